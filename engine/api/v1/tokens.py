"""HR's API tokens through the API: list a company's tokens (scopes, created, expiry,
last use, state), create one (its secret answered this once), revoke one. HR's own
session only: no token manages tokens (a token never reaches past its person), and
another company's token is answered as if it did not exist."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.errors import Forbidden, InvalidInput, NotFound
from engine.org.selectors import company_roles

from ..models import ApiToken
from ..tokens import api_token_create, api_token_revoke, scopes_within_rights, token_state
from . import token_serializers as ts
from .common import ERRORS, _code, _companies, _company, _valid
from .paging import PAGE_PARAMS, CursorPage, paged

# No token carries it: managing tokens needs HR's own session.
MANAGE = "tokens:manage"


def _hr_companies(request) -> set[int]:
    """The companies whose tokens the caller manages: where they hold HR."""
    roles = company_roles(request.user)
    ids = {c for c in _companies(request) if "hr" in roles.get(c, set())}
    if not ids:
        raise Forbidden(_("Only HR manages API tokens."), field="actor", rule="role:hr")
    return ids


def _row(t: ApiToken) -> dict:
    return {
        "id": t.pk,
        "name": t.name,
        "prefix": t.prefix,
        "company": t.company.code,
        "user": t.user.get_username(),
        "scopes": t.scopes,
        "state": token_state(t),
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
    }


def _token(request, pk: int) -> ApiToken:
    token = (
        ApiToken.objects.select_related("company", "user")
        .filter(pk=pk, company_id__in=_hr_companies(request))
        .first()
    )
    if token is None:
        raise NotFound(_("No such token."), field="token", rule="exists")
    return token


def _user(company, username: str):
    """The person the token acts as: someone of the company (employee or role holder)."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    works_here = user is not None and (
        company.employees.filter(user=user).exists() or company.pk in company_roles(user)
    )
    if not works_here:
        raise InvalidInput(
            _("No active person of %(company)s has this user name.") % {"company": company.name},
            field="user",
            rule="exists",
        )
    return user


class Tokens(APIView):
    scope_needed = MANAGE
    pagination_class = CursorPage

    @extend_schema(
        parameters=[OpenApiParameter("company", OpenApiTypes.STR, required=False), *PAGE_PARAMS],
        responses={200: ts.TokenOut(many=True), **ERRORS},
        summary="A company's API tokens (HR's session)",
        operation_id="tokens_list",
    )
    def get(self, request):
        ids = _hr_companies(request)
        if request.query_params.get("company"):
            company = _company(request, _code(request, "company"))
            if company.pk not in ids:
                raise Forbidden(_("Only HR manages API tokens."), field="actor", rule="role:hr")
            ids = {company.pk}
        rows = ApiToken.objects.filter(company_id__in=ids).select_related("company", "user")
        return paged(self, request, rows, ts.TokenOut, _row)

    @extend_schema(
        request=ts.TokenIn,
        responses={201: ts.TokenCreatedOut, **ERRORS},
        summary="Create an API token; its secret is answered this once",
        operation_id="tokens_create",
    )
    def post(self, request):
        data = _valid(ts.TokenIn, request)
        company = _company(request, data["company"])
        if company.pk not in _hr_companies(request):
            raise Forbidden(_("Only HR manages API tokens."), field="actor", rule="role:hr")
        user = _user(company, data["user"])
        beyond = sorted(set(data["scopes"]) - scopes_within_rights(user, company.pk))
        if beyond:
            raise Forbidden(
                _("%(user)s may not use %(scopes)s: a token never reaches further than its person.")
                % {"user": user.get_username(), "scopes": ", ".join(beyond)},
                field="scopes",
                rule="rights",
            )
        token, secret = api_token_create(
            actor=request.user,
            company=company,
            user=user,
            scopes=data["scopes"],
            days=data["expires_days"],
            name=data["name"].strip(),
        )
        token.company = company
        return Response(ts.TokenCreatedOut({**_row(token), "token": secret}).data, status=201)


class TokenDetail(APIView):
    scope_needed = MANAGE

    @extend_schema(
        responses={200: ts.TokenOut, **ERRORS},
        summary="One API token",
        operation_id="tokens_read",
    )
    def get(self, request, pk: int):
        return Response(ts.TokenOut(_row(_token(request, pk))).data)


class TokenRevoke(APIView):
    scope_needed = MANAGE

    @extend_schema(
        request=None,
        responses={200: ts.TokenOut, **ERRORS},
        summary="Revoke an API token at once",
        operation_id="tokens_revoke",
    )
    def post(self, request, pk: int):
        token = api_token_revoke(actor=request.user, token=_token(request, pk))
        return Response(ts.TokenOut(_row(token)).data)
