"""What every API v1 view shares: JSON in and out, strict input fields, errors that never 500,
the requested language, pagination, and the documented error responses.

The settings stay the project's; API views opt in through `ApiViewMixin`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, models
from django.db.models import ProtectedError, QuerySet
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from objectives.scoring import two_decimals
from okrapp.core import freshness
from okrapp.core.permissions import Viewer, request_viewer

# Database ids are 64-bit signed integers: anything larger is an unknown id, not an error.
MAX_ID = 2**63 - 1


# ---------------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------------


class NumberField(serializers.DecimalField):
    """A JSON number stored as a Decimal. Extra decimal places are rounded (half up) instead of
    refused, since JSON clients send binary floats such as 0.30000000000000004; too many whole
    digits, NaN and Infinity are refused."""

    default_error_messages = {"invalid": _("A valid number is required.")}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, (bool, list, dict)):
            self.fail("invalid")
        return super().to_internal_value(data)

    def validate_precision(self, value: Decimal) -> Decimal:
        if self.decimal_places is not None:
            try:
                value = value.quantize(Decimal(1).scaleb(-self.decimal_places), ROUND_HALF_UP)
            except InvalidOperation:
                self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        return super().validate_precision(value)


class TextField(serializers.CharField):
    """A string without NUL characters (a CharField default) nor lone surrogates, which
    PostgreSQL cannot store."""

    def to_internal_value(self, data):
        if isinstance(data, (bool, int, float, list, dict)):
            self.fail("invalid")
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("invalid")
        return value


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id: an integer (or its decimal string) in the database range; anything else is
    refused as the wrong type, and an id that does not exist is 'does not exist'."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str):
            if not data.isascii() or not data.isdigit():
                self.fail("incorrect_type", data_type="str")
            data = int(data)
        if not 0 < data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class IdFilter(django_filters.NumberFilter):
    """Filter on an id: an integer in the database range (else 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(
    {"type": "number", "format": "double", "minimum": 0, "maximum": 100, "nullable": True}
)
class ScoreField(serializers.Field):
    """A stored score as a JSON number, 0–100 with two decimals; null when unscored."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return two_decimals(value)


class BaseModelSerializer(serializers.ModelSerializer):
    serializer_related_field = StrictPrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.DecimalField: NumberField,
    }


# ---------------------------------------------------------------------------------------------
# Errors, language, negotiation, pagination
# ---------------------------------------------------------------------------------------------


def nested_errors(message_dict: dict[str, list[str]]) -> dict:
    """A service's errors in the shape DRF gives its own: `key_results.0.title` becomes
    {"key_results": {"0": {"title": [...]}}}, and `__all__` is `non_field_errors`."""
    detail: dict = {}
    for field, messages in message_dict.items():
        parts = ["non_field_errors" if part == "__all__" else part for part in field.split(".")]
        node = detail
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {} if child is None else {"non_field_errors": child}
            node = child
        leaf = node.setdefault(parts[-1], [])
        if isinstance(leaf, dict):
            leaf = leaf.setdefault("non_field_errors", [])
        leaf.extend(messages)
    return detail


def api_exception_handler(exc, context):
    """DRF's handler, plus the errors our services raise, so that none becomes a 500.

    - Django's ValidationError (model full_clean, service rules) → 400 with per-field errors;
    - a database constraint lost to a concurrent request, or a protected row → 400.
    """
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = nested_errors(exc.message_dict)
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        # get_object_or_404 says "No Cycle matches the given query.": English whatever the
        # language asked for, and naming a model. The generic, translated message instead.
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied) and exc.args:
        # Keep the service's reason ("This cycle is closed…") instead of the generic message.
        exc = exceptions.PermissionDenied(str(exc.args[0]))
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("This change conflicts with the data already stored.")]}
        )
    elif isinstance(exc, ProtectedError):
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("Other records still refer to this one.")]}
        )
    return drf_exception_handler(exc, context)


def api_language(request, user) -> str | None:
    """An explicit Accept-Language header wins (the client asked for it), else the person's
    stored language, else the site default."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if header:
        for code, _quality in translation.trans_real.parse_accept_lang_header(header):
            if code == "*":
                break
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
    if user is not None and getattr(user, "is_authenticated", False) and user.language:
        return user.language
    return None


class ApiJSONParser(JSONParser):
    """DRF's JSON parser with translated errors, and without its two ways to fail badly:
    a deeply nested body (a RecursionError, hence a 500) and a body that is just `null`
    (an untranslated "No data provided")."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except exceptions.ParseError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, UnicodeDecodeError):
                raise exceptions.ParseError(_("The body must be encoded in UTF-8.")) from exc
            if isinstance(cause, ValueError) and "Out of range float" in str(cause):
                raise exceptions.ParseError(
                    _("NaN and Infinity are not JSON numbers: send a number or null.")
                ) from exc
            if isinstance(cause, json.JSONDecodeError):
                raise exceptions.ParseError(
                    _("The body is not valid JSON (line %(line)d, column %(column)d).")
                    % {"line": cause.lineno, "column": cause.colno}
                ) from exc
            raise exceptions.ParseError(_("The body is not valid JSON.")) from exc
        except RecursionError as exc:
            raise exceptions.ParseError(_("The body is nested too deeply.")) from exc
        if data is None:
            raise exceptions.ParseError(_("The body must be a JSON object or list, not null."))
        return data


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """The API answers JSON whatever the Accept header says (never a 406); a body that is not
    JSON is still a 415."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StrictPageSizeMixin:
    """Pages of 50 by default; `page_size` from 1 to 200, anything else is a 400 (silently
    falling back would hide a client's mistake)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Ensure this value is between 1 and %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def _page_size_schema(self, parameters: list[dict]) -> list[dict]:
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters


class ApiPagination(StrictPageSizeMixin, PageNumberPagination):
    """Numbered pages with their `count`: for lists that stay small (a count is cheap)."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return self._page_size_schema(parameters)


def _query_digest(queryset) -> str | None:
    """The digest of the SQL a queryset runs; None for one that runs none (an empty slice, a
    filter on no value at all): it costs nothing to compute."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return hashlib.sha256(repr((sql, params)).encode()).hexdigest()


class SharedCountPaginator(Paginator):
    """A count, and a page of plain values (ids), shared until the next write by the readers
    whose query is the same: the query holds the reader's rights and filters, so it counts
    and orders the same rows for each of them."""

    @cached_property
    def count(self) -> int:
        digest = _query_digest(self.object_list)
        if digest is None:
            return self.object_list.count()
        return freshness.cached("api_list_count", self.object_list.count, digest)

    def page(self, number):
        page = super().page(number)
        rows = page.object_list
        # Model instances are not shared: the serializers of a page may change them.
        if isinstance(rows, QuerySet) and not issubclass(rows._iterable_class, ModelIterable):
            digest = _query_digest(rows)
            if digest is not None:
                page.object_list = freshness.cached("api_list_page", lambda: list(rows), digest)
        return page


class SharedCountPagination(ApiPagination):
    """`ApiPagination` for a long list whose count costs more than its page."""

    django_paginator_class = SharedCountPaginator


class ApiCursorPagination(StrictPageSizeMixin, CursorPagination):
    """`next` and `previous` links, without a count nor page numbers: for lists that grow
    without bound. Counting every row the reader may see would cost more than the page itself,
    and a numbered page shifts when rows are added, so a client walking the pages would see a
    row twice.

    The cursor holds the position of the first ordering field (with an offset among rows that
    share it, DRF's scheme): that field must be unique or nearly so. The view's `ordering` is
    the default; `?ordering=` is honoured for the view's `ordering_fields`, and the id breaks
    ties so that the order is total. A cursor that cannot be read is a 400, never a 500."""

    ordering = ("-id",)
    cursor_query_description = _(
        "Where the page starts: the cursor of a `next` or `previous` link, as given."
    )

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view))
        if not any(field.lstrip("-") in {"id", "pk"} for field in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        self.position_field = queryset.model._meta.get_field(ordering[0].lstrip("-"))
        return tuple(ordering)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor = None
            valid = False
        else:
            valid = cursor is None or self._readable_position(cursor.position)
        if not valid:
            raise exceptions.ValidationError(
                {
                    self.cursor_query_param: [
                        _("This cursor is not valid: follow a next or previous link as given.")
                    ]
                }
            )
        return cursor

    def _readable_position(self, position: str | None) -> bool:
        if position is None:
            return True
        try:
            value = self.position_field.to_python(position)
        except DjangoValidationError:
            return False
        if isinstance(value, datetime.datetime):
            # DRF writes aware datetimes; years 1 and 9999 may not convert to UTC.
            return timezone.is_aware(value) and 1 < value.year < 9999
        return not isinstance(value, int) or 0 <= value <= MAX_ID

    def get_schema_operation_parameters(self, view):
        return self._page_size_schema(super().get_schema_operation_parameters(view))

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            response["properties"][link]["example"] = (
                "https://okr.example.org/api/v1/check-ins/?cursor=cD0yMDI2LTEyLTAx"
            )
        return response


# ---------------------------------------------------------------------------------------------
# Schema: every operation documents the errors it can really answer
# ---------------------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "description": "Field name → list of messages; for a list body, item index → such an object.",
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    ],
}
ERROR_DESCRIPTIONS = {
    "400": ("Invalid input: errors per field, in the requested language.", VALIDATION_ERROR_SCHEMA),
    "401": ("Not signed in, or the token is unknown or revoked.", ERROR_SCHEMA),
    "403": ("Signed in, but not allowed to make this change.", ERROR_SCHEMA),
    "404": ("Not found, or not visible to you.", ERROR_SCHEMA),
    "415": ("The body must be JSON (Content-Type: application/json).", ERROR_SCHEMA),
    "429": (
        "Too many requests (per person, or per IP address without a valid token): wait the "
        "number of seconds in the Retry-After header.",
        ERROR_SCHEMA,
    ),
}


class ApiSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        has_path_id = "{" in self.path
        codes = ["401"]
        if self.method == "GET":
            if self._is_list_view():
                codes.append("400")  # a bad filter, page size or cursor
                if not isinstance(self.view.paginator, CursorPagination):
                    codes.append("404")  # a page past the end
            elif has_path_id:
                codes.append("404")
        elif self.method in {"POST", "PUT", "PATCH"}:
            codes += ["400", "403", "415"]
            if has_path_id:
                codes.append("404")
        elif self.method == "DELETE":
            codes += ["400", "403", "404"]
        codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                description, schema = ERROR_DESCRIPTIONS[code]
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": schema}},
                }
        return responses


# ---------------------------------------------------------------------------------------------
# The view mixin
# ---------------------------------------------------------------------------------------------


# The GET actions that answer a (paginated, maybe filtered) list.
LIST_ACTIONS = {"list", "measurements"}


class ApiViewMixin:
    # Any path segment reaches the view, which answers a JSON 404 for what is not an id.
    lookup_value_regex = r"[^/]+"
    parser_classes = [ApiJSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnlyNegotiation
    pagination_class = ApiPagination
    schema = ApiSchema()

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        # Authenticate first, so the person's stored language applies to every message after.
        try:
            user, auth_error = request.user, None
        except exceptions.APIException as exc:
            user, auth_error = None, exc
        language = api_language(request, user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if user is None or not user.is_authenticated:
            # DRF throttles after the permission check, so a caller without a valid token
            # would get 401s forever, however fast it guessed: it is counted first. (Every v1
            # view needs a signed-in person, so DRF never counts it a second time.)
            self.check_throttles(request)
        if auth_error is not None:
            raise auth_error
        super().initial(request, *args, **kwargs)
        self.check_blank_query_parameters(request)

    def check_blank_query_parameters(self, request) -> None:
        """`?status=` is a mistake, not "no filter": say so (400) rather than ignore it.
        `ordering` is free text where blank means the default order."""
        if request.method != "GET" or getattr(self, "action", None) not in LIST_ACTIONS:
            return
        blank = sorted(
            name
            for name, values in request.query_params.lists()
            if name != "ordering" and any(value.strip() == "" for value in values)
        )
        if blank:
            raise exceptions.ValidationError(
                {name: [_("This field may not be blank.")] for name in blank}
            )

    def filter_queryset(self, queryset):
        # Filters and ordering are for lists; a detail URL ignores the query string.
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)

    @property
    def viewer(self) -> Viewer:
        return request_viewer(self.request)

    @property
    def is_schema_generation(self) -> bool:
        return getattr(self, "swagger_fake_view", False)

    def lookup_id(self) -> int:
        """The id in the URL; anything that cannot be an id is simply not found."""
        raw = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            raise Http404
        return int(raw)

    def is_write(self) -> bool:
        return self.request.method not in {"GET", "HEAD", "OPTIONS"}

    def get_object(self):
        self.lookup_id()
        return super().get_object()


def context_viewer(serializer: serializers.Serializer) -> Viewer | None:
    """The requesting Viewer of a serializer built by an API view; None while the schema is
    generated (there is no one signed in then)."""
    view = serializer.context.get("view")
    if view is None or getattr(view, "swagger_fake_view", False):
        return None
    return view.viewer
