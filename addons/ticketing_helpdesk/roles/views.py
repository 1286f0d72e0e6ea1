"""Staff roles: apply one of the five role templates to a new or an existing pretix team."""
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from pretix.base.models import Team
from pretix.base.permissions import get_all_event_permission_groups, get_all_organizer_permission_groups
from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from .templates import ROLES, apply_role, role_of

TEAMS_WRITE = "organizer.teams:write"


class ApplyRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    team = forms.ChoiceField(label=_("Team"), required=False,
                             help_text=_("An existing team keeps its members and events; its permissions are "
                                         "replaced by those of the role."))

    def __init__(self, *args, organizer=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizer = organizer
        self.user = user
        self.fields["role"].choices = [(r.key, r.label) for r in ROLES.values()]
        self.fields["team"].choices = [("", _("A new team named after the role"))] + [
            (str(t.pk), t.name) for t in organizer.teams.order_by("name")]

    def clean_team(self):
        value = self.cleaned_data.get("team")
        if not value:
            return None
        team = Team.objects.filter(organizer=self.organizer, pk=value).first()
        if team is None:
            raise forms.ValidationError(_("This team does not exist."))
        return team

    def clean(self):
        data = super().clean()
        role, team = ROLES.get(data.get("role") or ""), data.get("team")
        if role and team and not role.all_permissions and self.user is not None \
                and team.members.filter(pk=self.user.pk).exists() \
                and not self.user.teams.filter(organizer=self.organizer).exclude(pk=team.pk).filter(
                    Q(all_organizer_permissions=True) | Q(limit_organizer_permissions__has_key=TEAMS_WRITE)).exists():
            raise forms.ValidationError(_("You are a member of this team: with this role you would lose the "
                                          "permission to manage teams. Ask another administrator, or apply the "
                                          "role to another team."))
        return data


def permission_labels(role) -> list[str]:
    if role.all_permissions:
        return [gettext("All permissions for all events and the organizer")]
    labels = []
    for groups, perms in ((get_all_organizer_permission_groups(), role.organizer_permissions),
                          (get_all_event_permission_groups(), role.event_permissions)):
        for name, group in groups.items():
            actions = [a for a in group.actions if f"{name}:{a}" in perms]
            if actions:
                option = next((o for o in group.options if set(o.actions) == set(actions)), None)
                labels.append(f"{group.label}: {option.label if option else ', '.join(actions)}")
    return labels


class RoleTemplates(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, FormView):
    permission = TEAMS_WRITE
    template_name = "ticketing_helpdesk/roles/index.html"
    form_class = ApplyRoleForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organizer"] = self.request.organizer
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["roles"] = [{"role": r, "permissions": permission_labels(r)} for r in ROLES.values()]
        ctx["teams"] = [{"team": t, "role": role_of(t), "members": t.members.count()}
                        for t in self.request.organizer.teams.order_by("name")]
        return ctx

    def form_invalid(self, form):
        messages.error(self.request, _("We could not apply the role. See below for details."))
        return super().form_invalid(form)

    def form_valid(self, form):
        role = ROLES[form.cleaned_data["role"]]
        team, created = apply_role(self.request.organizer, role, self.request.user, team=form.cleaned_data["team"],
                                   request=self.request)
        if created:
            messages.success(self.request, gettext("The team \"{team}\" was created with the role \"{role}\". "
                                                   "Add its members on the team's page.").format(
                team=team.name, role=role.label))
        else:
            messages.success(self.request, gettext("The team \"{team}\" now has the role \"{role}\".").format(
                team=team.name, role=role.label))
        return HttpResponseRedirect(reverse("plugins:ticketing_helpdesk:roles", kwargs={
            "organizer": self.request.organizer.slug}))
