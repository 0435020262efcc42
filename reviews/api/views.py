from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorhub.api.fields import MAX_KEY
from mentors.api.serializers import AnyOfNames
from reviews import services
from reviews.models import Review


# A whole review; mentors.api's ReviewOutput is the short form a mentor's profile embeds.
@extend_schema_serializer(component_name="Review")
class ReviewOutput(serializers.ModelSerializer):
    session_id = serializers.IntegerField(source="booking_id", allow_null=True)
    mentor_id = serializers.IntegerField()
    student_name = serializers.CharField(source="author.display_name")
    comment = serializers.CharField()
    is_hidden = serializers.BooleanField(
        help_text="Hidden by staff: out of public lists and the rating. Only its author ever gets a hidden review.")

    class Meta:
        model = Review
        fields = ["id", "session_id", "mentor_id", "student_name", "rating", "comment", "mentor_reply", "created_at",
                  "is_hidden"]


class ReviewInput(AnyOfNames):
    aliases = {"sessionId": "session_id"}  # spec 003's Review schema
    session_id = serializers.IntegerField(min_value=1)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class SessionReviewInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class ReviewCreateView(APIView):
    extra_error_codes = ["404", "409"]

    @extend_schema(tags=["reviews"], request=ReviewInput, responses={201: ReviewOutput},
                   summary="Review a completed session")
    def post(self, request):
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create(booking_id=data.validated_data["session_id"], author=request.user,
                                        rating=data.validated_data["rating"], comment=data.validated_data["comment"])
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewsByIdView(ListAPIView):
    """GET reviews/{user_id}: reviews a mentor received. POST reviews/{session_id}: review that session."""

    serializer_class = ReviewOutput
    extra_error_codes = ["404", "409"]
    queryset = Review.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    def get_queryset(self):
        shown = Q(hidden_at__isnull=True)
        if self.request.user.is_authenticated:  # an author still sees their own review, marked hidden
            shown |= Q(author=self.request.user)
        if int(self.kwargs["pk"]) > MAX_KEY:  # no such user; the join's filter would not survive the database
            return Review.objects.none()
        return (Review.objects.filter(shown, mentor__user_id=self.kwargs["pk"]).select_related("author")
                .order_by("-created_at", "-id"))

    @extend_schema(tags=["reviews"], summary="Reviews a mentor received (by the mentor's user id), newest first",
                   description="Reviews staff hid are left out, except the viewer's own (with is_hidden true).")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["reviews"], request=SessionReviewInput, responses={201: ReviewOutput},
                   summary="Review the session with this id", operation_id="reviews_session_create")
    def post(self, request, pk: int):
        data = SessionReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create(booking_id=pk, author=request.user, rating=data.validated_data["rating"],
                                        comment=data.validated_data["text"])
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReplyView(APIView):
    extra_error_codes = ["404", "409"]

    @extend_schema(tags=["reviews"], request=ReplyInput, responses={200: ReviewOutput},
                   summary="The mentor replies to a review, once, publicly")
    def post(self, request, pk: int):
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ReviewOutput(services.review_reply(review_id=pk, user=request.user,
                                                           text=data.validated_data["text"])).data)

