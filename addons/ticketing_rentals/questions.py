"""
What the operator must know about every charter, asked at checkout for the charter time product: the contact
person on board and their phone (required), the guest list and special wishes. pretix questions, so the
answers appear on the order in the back office, in exports and in the customer's order page, and staff can
edit the wording in pretix's question editor.
"""
from pretix.base.models import Event, Item, Question

# (type, required, identifier, texts): the texts are stored per language, as pretix does for questions.
CHARTER_QUESTIONS = (
    (Question.TYPE_STRING, True, "charter-contact",
     {"ru": "Контактное лицо на борту", "en": "Contact person on board", "zh-hans": "船上联系人"}),
    (Question.TYPE_PHONENUMBER, True, "charter-phone",
     {"ru": "Телефон контактного лица", "en": "Contact person's phone", "zh-hans": "联系人电话"}),
    (Question.TYPE_TEXT, False, "charter-guests",
     {"ru": "Список гостей (имена, по одному в строке)", "en": "Guest list (names, one per line)",
      "zh-hans": "宾客名单（姓名，每行一位）"}),
    (Question.TYPE_TEXT, False, "charter-wishes",
     {"ru": "Особые пожелания (повод, музыка, меню)", "en": "Special wishes (occasion, music, menu)",
      "zh-hans": "特殊要求（场合、音乐、菜单）"}),
)


def ensure_charter_questions(event: Event, item: Item) -> int:
    """Create the charter's questions the event does not have yet (by identifier); returns how many."""
    known = set(event.questions.values_list("identifier", flat=True))
    created = 0
    for position, (qtype, required, identifier, texts) in enumerate(CHARTER_QUESTIONS):
        if identifier in known:
            continue
        question = Question.objects.create(event=event, question=texts, type=qtype, required=required,
                                           position=position, identifier=identifier)
        question.items.add(item)
        created += 1
    return created
