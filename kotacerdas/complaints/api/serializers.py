"""API shapes. No serializer here carries the reporter's name, NIK, phone or e-mail (identity is UI-only and logged)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kotacerdas.complaints.models import Category, Complaint, ComplaintEvent, Outcome, Photo, SlaStage


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "group", "description", "classification", "requires_after_photo",
                  "is_active"]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "kind", "url", "width", "height", "created_at"]

    def get_url(self, obj: Photo) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.image.url) if request else obj.image.url


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "at", "kind", "from_status", "to_status", "agency", "actor", "reason", "message",
                  "is_public", "data"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj: ComplaintEvent) -> str | None:
        # Staff names are shown to staff; a citizen actor is never named.
        if obj.actor_id and obj.actor.is_staff_role:
            return obj.actor.display_name
        return None


class ComplaintSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Nullable until disposisi / when no location point was given; declared so the schema says so.
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kecamatan = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kelurahan = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # Empty until the OPD reports / between stages; allow_blank puts "" in the documented enum.
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)
    stage = serializers.ChoiceField(choices=SlaStage.choices, allow_blank=True, read_only=True)
    suggested_agency = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id", "tracking_no", "title", "description", "public_title", "public_description", "category",
            "classification", "channel", "status", "outcome", "lat", "lon", "address", "kecamatan", "kelurahan",
            "agency", "suggested_agency", "assigned_to", "is_rahasia", "is_anonim", "parent", "support_count",
            "created_at", "updated_at", "verified_at", "dispositioned_at", "accepted_at", "first_response_at",
            "resolved_at", "closed_at", "stage", "stage_due_at", "resolve_due_at", "sla_level",
            "escalation_level", "auto_closed", "reopen_count", "rating", "needs_review", "lapor_tracking_id",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Complaint) -> dict[str, Any]:
        data = super().to_representation(instance)
        # The original text may hold what the reporter typed about themselves; whoever may not see the
        # reporter's identity (the OPD on an anonim case, pimpinan, operators) gets the masked public copy.
        request = self.context.get("request")
        from kotacerdas.complaints import selectors

        if request is None or not selectors.can_see_identity(request.user, instance):
            data["title"], data["description"] = instance.public_title, instance.public_description
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_suggested_agency(self, obj: Complaint) -> str | None:
        return obj.routing_rule.agency.code if obj.routing_rule_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assigned_to(self, obj: Complaint) -> str | None:
        return obj.assigned_to.username if obj.assigned_to_id else None


class ComplaintDetailSerializer(ComplaintSerializer):
    events = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "events", "photos"]
        read_only_fields = fields

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj: Complaint) -> list[dict[str, Any]]:
        from kotacerdas.complaints import selectors

        user = self.context["request"].user
        rows = selectors.staff_timeline(obj) if selectors.is_staff_reader(user) else selectors.public_timeline(obj)
        return EventSerializer(rows, many=True, context=self.context).data


class SubmitSerializer(serializers.Serializer):
    """Input for a new complaint; the rules themselves live in actions.check_submit."""

    title = serializers.CharField(max_length=150)
    description = serializers.CharField()
    category = serializers.CharField(help_text="Category code (Open311 service_code)")
    classification = serializers.CharField(required=False)
    channel = serializers.CharField(required=False)
    lat = serializers.FloatField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True)
    is_rahasia = serializers.BooleanField(required=False, default=False)
    is_anonim = serializers.BooleanField(required=False, default=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class DisposeSerializer(serializers.Serializer):
    agency = serializers.CharField(required=False, help_text="OPD code; defaults to the routing suggestion")
    message = serializers.CharField(required=False, allow_blank=True)
    is_rahasia = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_anonim = serializers.BooleanField(required=False, allow_null=True, default=None)


class RerouteSerializer(serializers.Serializer):
    agency = serializers.CharField()
    reason = serializers.CharField()


class AssignSerializer(serializers.Serializer):
    officer = serializers.CharField(help_text="username of a petugas lapangan of the OPD")
    note = serializers.CharField(required=False, allow_blank=True)


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    message = serializers.CharField()


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True)


class FlagsSerializer(serializers.Serializer):
    is_rahasia = serializers.BooleanField()
    is_anonim = serializers.BooleanField()
    reason = serializers.CharField()


class MergeSerializer(serializers.Serializer):
    parent = serializers.CharField(help_text="tracking number of the parent complaint")


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField()


class MessageWithPhotosSerializer(MessageSerializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False,
                                   help_text="JPEG or PNG photos, repeat the field for several")


class ResolveWithPhotosSerializer(ResolveSerializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False,
                                   help_text="JPEG or PNG photos, repeat the field for several")
