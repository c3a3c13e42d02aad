"""The claim list's search and filter form: validates `?q=&topic=&level=&direction=`."""

from django import forms

from claims.models import PUBLIC_STATUSES, Claim, Direction, GradeLevel, Topic

INVALID_FILTER = "That is not one of the listed options; choose another."


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label="Search claims", required=False, max_length=200)
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.filter(claims__status__in=PUBLIC_STATUSES).distinct(),
        to_field_name="slug",
        required=False,
        empty_label="Any topic",
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    level = forms.ChoiceField(
        label="Certainty",
        choices=[("", "Any certainty"), *GradeLevel.choices],
        required=False,
        error_messages={"invalid_choice": INVALID_FILTER},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=[("", "Any direction"), *Direction.choices],
        required=False,
        error_messages={"invalid_choice": INVALID_FILTER},
    )

    def filter(self, claims):
        """The public claims that match the cleaned data (call after `is_valid()`)."""
        data = self.cleaned_data
        claims = claims.search(data["q"])
        if data["topic"]:
            claims = claims.filter(topics=data["topic"])
        if data["level"]:
            claims = claims.with_level(data["level"])
        if data["direction"]:
            claims = claims.filter(grade_direction=data["direction"])
        return claims

    def results(self):
        """Matching public claims, ready for a list page; none when the input is invalid."""
        claims = Claim.objects.public().prefetch_related("topics").with_stance_counts()
        claims = claims.order_by("statement")  # grouping drops Meta.ordering; search re-orders
        return self.filter(claims) if self.is_valid() else claims.none()
