"""Forms: the reader's search and the editor's article form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Article, ArticleImage, Category, SiteDisclaimer, Tag
from .sanitize import EDGE_CHARACTERS, normalize_text

SEARCH_MAX_LENGTH = 100


class SearchForm(forms.Form):
    """The ``?q=`` of the search page: up to ``SEARCH_MAX_LENGTH`` characters, no NUL."""

    q = forms.CharField(
        label=_("Keywords"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        strip=True,
        error_messages={
            # MaxLengthValidator fills in %(limit_value)d.
            "max_length": _("Please use at most %(limit_value)d characters."),
            "null_characters_not_allowed": _(
                "The keywords contain characters that cannot be searched; please type them again."
            ),
        },
    )

    def words(self) -> list[str]:
        """The query's words (at most 8), or ``[]`` when the form is empty or invalid."""
        if not self.is_valid():
            return []
        return self.cleaned_data["q"].split()[:8]


class NormalizedTextMixin:
    """Cleans submitted text with ``normalize_text`` *before* validation, so a value made
    only of control or zero-width characters counts as empty ("required"), and uniqueness
    is checked on the value that will be stored.

    ``single_line_fields`` and ``multi_line_fields`` name the form fields to clean.
    """

    single_line_fields = ()
    multi_line_fields = ()

    def full_clean(self):
        if self.is_bound:
            data = self.data.copy()
            for names, single_line in (
                (self.single_line_fields, True),
                (self.multi_line_fields, False),
            ):
                for name in names:
                    key = self.add_prefix(name)
                    if key in data:
                        value = normalize_text(data[key], single_line=single_line)
                        # Only invisible characters: empty, so "required" applies.
                        data[key] = value if value.strip(EDGE_CHARACTERS) else ""
            self.data = data
        super().full_clean()


class ArticleAdminForm(NormalizedTextMixin, forms.ModelForm):
    """The admin's article form; tag names are cleaned and checked against the tag model."""

    single_line_fields = (*Article.SINGLE_LINE_FIELDS, "tags")
    multi_line_fields = Article.MULTI_LINE_FIELDS

    class Meta:
        model = Article
        fields = [
            "title", "slug", "category", "status", "published_at", "tags", "lead", "byline",
            "body", "source_name", "source_issue", "source_editor", "source_url",
            "original_published_at", "poster_nickname", "disclaimer",
        ]  # fmt: skip
        # Titles are long (CJK headlines with a column name): give them the wide input.
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "slug": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }

    # A link pasted without a scheme is taken as https (Django 6's default).
    source_url = forms.URLField(
        label=Article._meta.get_field("source_url").verbose_name,
        max_length=Article._meta.get_field("source_url").max_length,
        required=False,
        assume_scheme="https",
    )

    def clean_tags(self):
        """Tag names without control characters, each at most the tag name's max length.

        Raises:
            ValidationError: a tag name is too long (the database would refuse it).
        """
        limit = Tag._meta.get_field("name").max_length
        names = [normalize_text(name, single_line=True) for name in self.cleaned_data["tags"]]
        too_long = [name for name in names if len(name) > limit]
        if too_long:
            raise ValidationError(
                _("A tag can have at most %(limit)d characters: %(tag)s"),
                code="tag_too_long",
                params={"limit": limit, "tag": too_long[0][:20] + "…"},
            )
        return [name for name in names if name]


class ArticleImageAdminForm(NormalizedTextMixin, forms.ModelForm):
    single_line_fields = ("caption", "alt_text")

    class Meta:
        model = ArticleImage
        fields = ["image", "caption", "alt_text", "position"]
        # Narrow inputs keep the inline table within a 1280 px admin page.
        widgets = {
            "caption": forms.TextInput(attrs={"size": 24}),
            "alt_text": forms.TextInput(attrs={"size": 24}),
        }


class CategoryAdminForm(NormalizedTextMixin, forms.ModelForm):
    single_line_fields = ("name",)
    multi_line_fields = ("description",)

    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "position", "description"]


class TagAdminForm(NormalizedTextMixin, forms.ModelForm):
    """A tag's name; its slug is made from the name when the tag is created."""

    single_line_fields = ("name",)

    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self):
        """Raises ``ValidationError`` when another tag has the same name in any letter case
        (tags are case-insensitive, ``TAGGIT_CASE_INSENSITIVE``)."""
        name = self.cleaned_data["name"]
        if Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A tag with this name already exists."), code="duplicate")
        return name


class SiteDisclaimerAdminForm(NormalizedTextMixin, forms.ModelForm):
    multi_line_fields = ("text",)

    class Meta:
        model = SiteDisclaimer
        fields = ["text"]
