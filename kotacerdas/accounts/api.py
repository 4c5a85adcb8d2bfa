"""REST API for user accounts, for the superadmin and the admin koordinator only.

Writes go through `accounts/admin_actions.py`. No response carries a password hash; NIK and phone appear only
in answers to a superadmin.
"""

from __future__ import annotations

import hashlib
from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import SimpleRateThrottle

from kotacerdas.accounts import admin_actions
from kotacerdas.accounts.models import Role, User
from kotacerdas.core.api import AUTHENTICATION, ApiViewMixin, error_responses

TAG = "users"


class CanManageUsers(permissions.BasePermission):
    message = _("Hanya superadmin dan admin koordinator yang dapat mengelola pengguna.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return admin_actions.can_manage_users(request.user)


class UserSerializer(serializers.ModelSerializer):
    """An account as admins see it. `nik` and `phone` are present only in answers to a superadmin."""

    full_name = serializers.CharField(source="display_name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # Declared writable-optional so the schema does not list them as always present: they are left out of
    # answers to anyone but a superadmin.
    phone = serializers.CharField(required=False, help_text="Superadmin only.")
    nik = serializers.CharField(required=False, help_text="Superadmin only.")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "first_name", "last_name", "email", "role", "role_label",
                  "agency", "region", "position", "is_active", "date_joined", "last_login", "phone", "nik"]
        read_only_fields = ["id", "username", "full_name", "first_name", "last_name", "email", "role",
                            "role_label", "agency", "region", "position", "is_active", "date_joined",
                            "last_login"]

    def to_representation(self, instance: User) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not admin_actions.is_superadmin(getattr(request, "user", None)):
            for name in admin_actions.PRIVATE_FIELDS:
                data.pop(name, None)
        return data


def _code_field(help_text: str) -> serializers.CharField:
    return serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=80,
                                 help_text=help_text)


class UserWriteSerializer(serializers.Serializer):
    """Input shape only; the rules (uniqueness, role/OPD/area, who may set what) live in admin_actions."""

    # Blank passes here so that admin_actions reports every field's problem in one answer.
    username = serializers.CharField(max_length=150, allow_blank=True)
    full_name = serializers.CharField(max_length=300, allow_blank=True)
    email = serializers.CharField(max_length=254, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    agency = _code_field("OPD code; required for penghubung and petugas")
    region = _code_field("Kemendagri code of the city, a kecamatan or a kelurahan; pimpinan only")
    position = serializers.CharField(required=False, allow_blank=True, max_length=120)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text="Superadmin only.")
    nik = serializers.CharField(required=False, allow_blank=True, max_length=30, help_text="Superadmin only.")
    password = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=128,
                                     style={"input_type": "password"},
                                     help_text="Optional; without one the person sets it via 'lupa kata sandi'.")


class UserUpdateSerializer(UserWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class UserReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class UserFilterSet(filters.FilterSet):
    role = filters.MultipleChoiceFilter(choices=Role.choices, label=_("Peran"))
    agency = filters.CharFilter(field_name="agency__code", label=_("OPD"))
    region = filters.CharFilter(field_name="region__code", label=_("Wilayah"))
    is_active = filters.BooleanFilter(label=_("Aktif"))
    q = filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = User
        fields = ["role", "agency", "region", "is_active", "q"]

    def filter_q(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(username__icontains=value) | Q(first_name__icontains=value)
                         | Q(last_name__icontains=value) | Q(email__icontains=value))


USER_EXAMPLE = {"id": 7, "username": "dewi", "full_name": "Dewi Lubis", "first_name": "Dewi", "last_name": "Lubis",
                "email": "dewi@medan.go.id", "role": "penghubung", "role_label": "Penghubung OPD",
                "agency": "dinas-lingkungan-hidup", "region": None, "position": "Staf Pengaduan",
                "is_active": True, "date_joined": "2026-01-05T09:00:00+07:00", "last_login": None}
CREATE_EXAMPLE = {"username": "dewi", "full_name": "Dewi Lubis", "email": "dewi@medan.go.id",
                  "role": "penghubung", "agency": "dinas-lingkungan-hidup", "position": "Staf Pengaduan"}
ROLE_ERROR = {"agency": ["Penghubung OPD dan petugas lapangan wajib memiliki OPD."]}


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary="List accounts",
        description="Superadmin: every account. Admin koordinator: every account but superadmins. Filter by "
                    "`role` (repeatable), `agency`, `region` (codes), `is_active`, `q` (name, username, e-mail).",
        responses={200: UserSerializer(many=True), **error_responses(400, 401, 403, 404)},
        examples=[OpenApiExample("One page", response_only=True,
                                 value=USER_EXAMPLE)],
    ),
    retrieve=extend_schema(
        tags=[TAG], summary="Read one account",
        responses={200: UserSerializer, **error_responses(401, 403, 404)},
        examples=[OpenApiExample("Penghubung DLH", value=USER_EXAMPLE, response_only=True),
                  OpenApiExample("As the superadmin sees it", response_only=True,
                                 value={**USER_EXAMPLE, "phone": "081234567890", "nik": "1271010101900001"})],
    ),
    create=extend_schema(
        tags=[TAG], summary="Create an account",
        description="Role decides scope: `penghubung` and `petugas` need `agency`; only `pimpinan` takes "
                    "`region`. Only a superadmin may grant `superadmin` or set `nik`/`phone`.",
        request=UserWriteSerializer,
        responses={201: UserSerializer, **error_responses(400, 401, 403, field_example=ROLE_ERROR)},
        examples=[OpenApiExample("A penghubung of DLH", value=CREATE_EXAMPLE, request_only=True),
                  OpenApiExample("Created", value=USER_EXAMPLE, response_only=True, status_codes=["201"])],
    ),
    partial_update=extend_schema(
        tags=[TAG], summary="Change an account",
        description="Only the fields sent change. Changing the role drops an OPD or area the new role cannot "
                    "hold. Nobody changes their own role.",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, **error_responses(400, 401, 403, 404, field_example=ROLE_ERROR)},
        examples=[OpenApiExample("Move to Dishub", value={"agency": "dinas-perhubungan"}, request_only=True),
                  OpenApiExample("Changed", value={**USER_EXAMPLE, "agency": "dinas-perhubungan"},
                                 response_only=True)],
    ),
)
class UserViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Accounts, for admins."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, CanManageUsers]
    filterset_class = UserFilterSet
    # Any segment reaches the view, so a malformed id is DRF's JSON 404 rather than Django's HTML one.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[User]:
        return admin_actions.users_manageable_by(self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "create":
            return UserWriteSerializer
        if self.action == "partial_update":
            return UserUpdateSerializer
        if self.action in ("deactivate", "activate"):
            return UserReasonSerializer
        return UserSerializer

    def _out(self, user: User, code: int = status.HTTP_200_OK) -> Response:
        user = self.get_queryset().get(pk=user.pk)
        return Response(UserSerializer(user, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = UserWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        cleaned = admin_actions.check_create_user(request.user, dict(ser.validated_data))
        user = admin_actions.do_create_user(request.user, cleaned, request=request)
        return self._out(user, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        ser = UserUpdateSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        changes = admin_actions.check_update_user(request.user, user, dict(ser.validated_data))
        admin_actions.do_update_user(request.user, user, changes, request=request)
        return self._out(user)

    def _set_active(self, request: Request, active: bool) -> Response:
        user = self.get_object()
        ser = UserReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        reason = admin_actions.check_set_active(request.user, user, active, ser.validated_data["reason"])
        admin_actions.do_set_active(request.user, user, active, reason, request=request)
        return self._out(user)

    @extend_schema(
        tags=[TAG], summary="Deactivate an account",
        description="The account can no longer log in; its API tokens are revoked. History stays. Nobody "
                    "deactivates their own account.",
        request=UserReasonSerializer,
        responses={200: UserSerializer, **error_responses(
            400, 401, 403, 404, field_example={"is_active": ["Akun ini sudah nonaktif."]})},
        examples=[OpenApiExample("Reason", value={"reason": "Pindah tugas ke Pemprov"}, request_only=True),
                  OpenApiExample("Deactivated", value={**USER_EXAMPLE, "is_active": False}, response_only=True)],
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        return self._set_active(request, False)

    @extend_schema(
        tags=[TAG], summary="Reactivate an account",
        request=UserReasonSerializer,
        responses={200: UserSerializer, **error_responses(
            400, 401, 403, 404, field_example={"is_active": ["Akun ini sudah aktif."]})},
        examples=[OpenApiExample("Reason", value={"reason": "Kembali bertugas di DLH"}, request_only=True),
                  OpenApiExample("Active again", value=USER_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._set_active(request, True)


def register(router: DefaultRouter) -> None:
    router.register("users", UserViewSet, basename="user")


# --------------------------------------------------------------------------------------------------------
# Token authentication


class TokenThrottle(SimpleRateThrottle):
    """Slows password guessing: 10 attempts a minute per client address and username."""

    rate = "10/min"

    def get_cache_key(self, request: Request, view: Any) -> str:
        data = request.data
        # The body may be any JSON value (a list, a number); only a mapping carries a username.
        username = data.get("username", "") if hasattr(data, "get") else ""
        username = username[:150].lower() if isinstance(username, str) else ""
        # Hashed: a username may hold spaces or any script, which cache backends such as memcached refuse.
        digest = hashlib.sha256(f"{self.get_ident(request)}|{username}".encode()).hexdigest()
        return f"throttle_api_token_{digest}"


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema_view(
    post=extend_schema(
        tags=["auth"], summary="Get an API token",
        description="Exchange a username (or e-mail) and password for the caller's token; send it afterwards as "
                    "`Authorization: Token <key>`. The same token is returned until it is revoked. Deactivated "
                    "accounts get 400. Limited to 10 attempts a minute per address and username.",
        request=AuthTokenSerializer, auth=[],
        responses={200: TokenResponseSerializer,
                   **error_responses(400, 429, field_example={"non_field_errors": [
                       "Tidak dapat masuk dengan kredensial yang diberikan."]})},
        examples=[OpenApiExample("Credentials", value={"username": "adi", "password": "kata-sandi-anda"},
                                 request_only=True),
                  OpenApiExample("Token", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                                 response_only=True)],
    ),
    delete=extend_schema(
        tags=["auth"], summary="Revoke the caller's API token",
        description="Deletes the token used by the caller; the next `POST` issues a new one.",
        request=None, responses={204: None, **error_responses(401)},
    ),
)
class TokenView(ObtainAuthToken):
    authentication_classes = AUTHENTICATION
    throttle_classes = [TokenThrottle]

    def get_throttles(self) -> list[Any]:
        return [TokenThrottle()] if self.request.method == "POST" else []

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
