"""The page side of a loop's actions: one POST endpoint per action (`/<obj>/do/<action>/`), described
by an `ActionSpec`, handled by `action_view`. Petitions and suggestions both use it; a loop keeps its
own table of specs, forms and detail page.

The handler is the thin-view skeleton, written once: unknown action → 404, role → 403, scope → 404
(the loop's `get_object` fetches through `visible_to`), invalid form → the page re-rendered with the
bound form and a message (nothing typed is lost), a refused service call (`LoopError`) → message +
re-render, `NotAllowed` → 403, success → message + redirect to the object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .errors import LoopError, NotAllowed


@dataclass(frozen=True)
class ActionSpec:
    """A POST endpoint for one loop action: who may use it (role, else 403), its form and call.

    ``run(user, obj, cleaned_data)`` calls the service; ``done``: the success message, or a function of
    what ``run`` returned; ``form_kwargs``: fixed form arguments; ``shows``: the loop actions that put
    this form on the object's page; ``initial``: the form's initial data for an object;
    ``form_args(user, obj)``: form arguments that depend on the person and object (choices narrowed to
    their scope); ``auto_id(post)``: the form's id prefix when it is not ``id_<action>_``."""

    roles: tuple
    form: type | None
    run: Callable
    done: object
    form_kwargs: dict = field(default_factory=dict)
    shows: tuple = ()
    initial: Callable | None = None
    form_args: Callable | None = None
    auto_id: Callable | None = None

    def kwargs_for(self, user, obj) -> dict:
        extra = self.form_args(user, obj) if self.form_args else {}
        return {**self.form_kwargs, **extra}


def action_forms(actions: dict, user, obj, allowed, bound=None) -> dict:
    """The unbound form of every action the user may take now (`allowed`), keyed by endpoint; `bound`
    (an endpoint and a bound form) replaces its unbound one so a refused post shows what was typed."""
    out = {}
    for name, spec in actions.items():
        if spec.form is None or not allowed & set(spec.shows):
            continue
        out[name] = spec.form(initial=spec.initial(obj) if spec.initial else None, auto_id=f"id_{name}_%s",
                              **spec.kwargs_for(user, obj))
    if bound is not None and bound[0] in out:
        out[bound[0]] = bound[1]
    return out


def action_view(request, *, actions: dict, action: str, get_object: Callable, rerender: Callable,
                refused: Callable):
    """Run one action (the caller is POST-only and login-required).

    ``get_object(request)``: the object in the user's scope (404 otherwise); ``rerender(request, obj,
    action, form)``: the object's page with the bound form (200); ``refused(request, message)``: the
    403 page."""
    spec = actions.get(action)
    if spec is None:
        raise Http404
    if not request.user.has_role(*spec.roles):
        raise PermissionDenied
    obj = get_object(request)
    data, form = {}, None
    if spec.form is not None:
        auto_id = spec.auto_id(request.POST) if spec.auto_id else f"id_{action}_%s"
        form = spec.form(request.POST, request.FILES, auto_id=auto_id, **spec.kwargs_for(request.user, obj))
        if not form.is_valid():
            messages.error(request, _("未能办理,请按下面的提示修改后重新提交。"))
            return rerender(request, obj, action, form)
        data = form.cleaned_data
    try:
        done = spec.run(request.user, obj, data)
    except NotAllowed as exc:
        return refused(request, exc.message)
    except LoopError as exc:
        messages.error(request, _("未能办理:%(e)s") % {"e": exc.message})
        return rerender(request, obj, action, form)
    messages.success(request, spec.done(done) if callable(spec.done) else str(spec.done))
    return redirect(obj)
