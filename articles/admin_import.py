"""The admin's 导入文章 page: an editor gives a page (pasted, uploaded or by address), checks
and corrects what was recognised in it, and saves it as a draft.

Two steps on one URL (``admin:articles_article_import``), with nothing kept on the server
between them (everything recognised travels in the second form):

1. :class:`SourceForm` takes exactly one source; :func:`recognise` turns it into a
   :class:`~articles.importing.ParsedArticle`. A page that cannot be recognised shows the
   first form again with the reason and what the editor typed.
2. :class:`ReviewForm` shows every recognised field, editable, with a preview of the
   sanitized body and a warning when the page was imported already
   (:func:`articles.services.find_imported`, the importer's one duplicate rule). Saving
   calls :func:`articles.services.import_article` with the editor and the editor's address
   (:func:`articles.client_ip.client_ip`) as poster, as articles created in the admin get;
   for a page fetched by address, its images are then downloaded into the draft's gallery
   (:func:`articles.importing.images.import_images`, within
   :data:`IMAGE_TIME_BUDGET_SECONDS`), and one message says how many were saved and which
   were not.

What the server trusts from the second form, where the page came from and its image
addresses, travels in one hidden field signed with :mod:`django.core.signing`
(:data:`ORIGIN_SALT`): a pasted page cannot be passed off as fetched to make the server
download addresses of the editor's choosing, and a changed or truncated field asks for the
page to be imported again. The second form is posted as ``multipart/form-data``, as the
first: a page of :data:`~articles.importing.MAX_FILE_BYTES` in Chinese is about three times
larger URL-encoded, past ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

:func:`import_view` is the view; ``ArticleAdmin.get_urls()`` routes to it.
"""

import re
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers, widgets
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .client_ip import client_ip
from .forms import NormalizedTextMixin
from .importing import MAX_FILE_BYTES, ArticleImportError, ParsedArticle, parse_bytes
from .importing.fetch import fetch_page
from .importing.images import ImageReport, import_images
from .importing.sources import parse_page
from .models import Article, Category
from .sanitize import sanitize_html
from .validators import validate_plausible_year

#: Name and values of the hidden field that tells the two steps' submissions apart.
STEP_FIELD = "step"
REVIEW_STEP = "review"

SOURCE_TEMPLATE = "admin/articles/article/import.html"
REVIEW_TEMPLATE = "admin/articles/article/import_review.html"

#: What separates keywords typed into the keywords field (ASCII and full-width punctuation).
KEYWORD_SEPARATORS = re.compile(r"[,，、;；]")

_MEGABYTES = MAX_FILE_BYTES // (1024 * 1024)

#: Seconds the images of a page may take to download when its draft is saved: the save is
#: one web request, which must end well before the worker is killed (gunicorn: 30 s).
IMAGE_TIME_BUDGET_SECONDS = 20
#: Images not imported that the message after saving names one by one; the rest are counted.
MAX_LISTED_IMAGE_FAILURES = 5
#: Salt of the signed ``origin`` field of the review form (``django.core.signing``): a value
#: signed for another purpose of the site does not pass here.
ORIGIN_SALT = "articles.admin_import.ReviewForm.origin"
_WEB_SCHEMES = frozenset({"http", "https"})


class HttpURLField(forms.URLField):
    """A URL field that takes only ``http``/``https`` addresses (no ``ftp:``, ``file:``)."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def _model_field(name, **overrides):
    """Label, help text and length limit of ``Article.<name>``, so that the form states the
    model's rules (and reuses their translations) instead of repeating them."""
    field = Article._meta.get_field(name)
    options = {"label": capfirst(field.verbose_name), "required": False}
    if field.help_text:
        options["help_text"] = field.help_text
    if getattr(field, "max_length", None):
        options["max_length"] = field.max_length
    return {**options, **overrides}


# --- Step 1: the source ---------------------------------------------------------------------


class SourceForm(forms.Form):
    """The page to import: exactly one of pasted text or HTML, a saved file (at most
    :data:`~articles.importing.MAX_FILE_BYTES`), or an ``http(s)`` address."""

    text = forms.CharField(
        label=_("Paste the page"),
        required=False,
        widget=widgets.AdminTextareaWidget(attrs={"rows": 12}),
        help_text=_("The article as text, or the page's HTML source, copied from the page."),
    )
    file = forms.FileField(
        label=_("Or upload a saved page"),
        required=False,
        # Lazy: translated when the page is shown, not when this module is imported.
        help_text=lazy(
            lambda: (
                gettext(
                    "A page saved from a browser as text or HTML (UTF-8, GBK/GB18030 or UTF-16), "
                    "at most %(megabytes)d MB."
                )
                % {"megabytes": _MEGABYTES}
            ),
            str,
        )(),
    )
    url = HttpURLField(
        label=_("Or give its address"),
        required=False,
        max_length=Article._meta.get_field("source_url").max_length,
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=_("The page is fetched from this http or https address."),
    )

    def clean_text(self):
        """Raises ``ValidationError`` when the text is larger than the importer takes."""
        text = self.cleaned_data["text"]
        # Browsers send a textarea's line breaks as CRLF: count them as the page had them.
        if len(text.replace("\r\n", "\n").encode("utf-8")) > MAX_FILE_BYTES:
            raise ValidationError(
                _("The pasted text is larger than %(megabytes)d MB; an article is much smaller."),
                code="too_large",
                params={"megabytes": _MEGABYTES},
            )
        return text

    def clean_file(self):
        """Raises ``ValidationError`` when the file is larger than the importer takes."""
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(megabytes)d MB; a saved page is much smaller."),
                code="too_large",
                params={"megabytes": _MEGABYTES},
            )
        return upload

    def clean(self):
        """Raises ``ValidationError`` unless exactly one source was given (checked only when
        each given source is valid by itself, so that one problem gives one message)."""
        cleaned = super().clean()
        if not self.errors:
            given = [name for name in ("text", "file", "url") if cleaned.get(name)]
            if len(given) != 1:
                raise ValidationError(
                    _("Please give exactly one of these: pasted text, a file or an address."),
                    code="one_source",
                )
        return cleaned


#: Pasted text arrives as a Python string: its UTF-8 bytes are read as UTF-8 whatever
#: charset a pasted HTML source declares in its ``<meta>``.
PASTED_CONTENT_TYPE = "text/plain; charset=utf-8"


def recognise(cleaned_data) -> tuple[ParsedArticle, str]:
    """The article in the source of a valid :class:`SourceForm`: text and files through
    :func:`articles.importing.parse_bytes` (HTML is told from text by its content), an
    address through :func:`~articles.importing.fetch.fetch_page` (time, size, redirect and
    internal-address limits) and :func:`~articles.importing.sources.parse_page`.

    Returns:
        ``(parsed, fetched_url)``: ``fetched_url`` is the address the page was fetched
        from (its images are downloaded when the draft is saved), ``""`` for a pasted or
        uploaded page.

    Raises:
        ArticleImportError: the page cannot be read or recognised; the message is for the
            editor.
    """
    if cleaned_data.get("text"):
        data = cleaned_data["text"].encode("utf-8")
        name = gettext("The pasted text")
        return parse_bytes(data, name=name, content_type=PASTED_CONTENT_TYPE), ""
    if cleaned_data.get("file"):
        upload = cleaned_data["file"]
        # clean_file() checked the size, so this read is bounded.
        return parse_bytes(upload.read(), name=upload.name), ""
    page = fetch_page(cleaned_data["url"])
    return parse_page(page), page.final_url


# --- Step 2: the recognised fields ----------------------------------------------------------


class ReviewForm(NormalizedTextMixin, forms.Form):
    """The recognised fields of a page, as the editor corrects them before saving.

    ``keywords`` is one line of comma-separated words (they become tags); ``origin``
    (hidden) is :func:`sign_origin`'s token of the address the page was fetched from and
    its image addresses, which the server made in the first step. Length limits and labels
    are the model's.
    """

    single_line_fields = (
        "title", "subtitle", "byline", "source_name", "source_issue", "source_editor",
        "keywords",
    )  # fmt: skip
    multi_line_fields = ("lead",)

    title = forms.CharField(
        **_model_field("title", required=True),
        widget=widgets.AdminTextInputWidget(attrs={"class": "vLargeTextField"}),
    )
    subtitle = forms.CharField(
        **_model_field("subtitle"),
        widget=widgets.AdminTextInputWidget(attrs={"class": "vLargeTextField"}),
    )
    # Options read "parent » child"; shallow trees cost no query per option.
    category = forms.ModelChoiceField(
        queryset=Category.objects.select_related("parent__parent"), **_model_field("category")
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=widgets.AdminTextInputWidget(attrs={"class": "vLargeTextField"}),
        help_text=_("Separated by commas; they become the article's tags."),
    )
    lead = forms.CharField(
        **_model_field("lead"), widget=widgets.AdminTextareaWidget(attrs={"rows": 3})
    )
    byline = forms.CharField(**_model_field("byline"), widget=widgets.AdminTextInputWidget)
    body = forms.CharField(
        **_model_field("body", required=True),
        widget=widgets.AdminTextareaWidget(attrs={"rows": 16}),
    )
    source_name = forms.CharField(
        **_model_field("source_name"), widget=widgets.AdminTextInputWidget
    )
    source_issue = forms.CharField(
        **_model_field("source_issue"), widget=widgets.AdminTextInputWidget
    )
    source_editor = forms.CharField(
        **_model_field("source_editor"), widget=widgets.AdminTextInputWidget
    )
    source_url = HttpURLField(**_model_field("source_url"), widget=widgets.AdminURLFieldWidget)
    original_published_at = forms.DateTimeField(
        **_model_field("original_published_at"),
        # Seconds are kept: the time is half of the duplicate rule (title + time).
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
        ),
        validators=[validate_plausible_year],
    )
    origin = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _(
                "The page's details are missing or were changed; please import the page again."
            )
        },
    )

    #: The fieldsets of the page, as ``ModelAdmin.fieldsets``; the hidden fields are
    #: rendered apart, with their errors above the form.
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "category", "keywords"]}),
        (_("Text"), {"fields": ["lead", "byline", "body"]}),
        (
            _("Source attribution"),
            {
                "fields": [
                    "source_name", "source_issue", "source_editor", "source_url",
                    "original_published_at",
                ]
            },
        ),
    ]  # fmt: skip

    @staticmethod
    def initial_from(parsed: ParsedArticle, fetched_url: str = "") -> dict:
        """The form's initial data for the recognised ``parsed`` page."""
        return {
            "title": parsed.title,
            "subtitle": parsed.subtitle,
            "keywords": ", ".join(parsed.keywords),
            "lead": parsed.lead,
            "byline": parsed.byline,
            "body": parsed.body_html,
            "source_name": parsed.source_name,
            "source_issue": parsed.source_issue,
            "source_editor": parsed.source_editor,
            "source_url": parsed.source_url,
            "original_published_at": parsed.original_published_at,
            "origin": sign_origin(fetched_url, parsed.image_urls),
        }

    def clean_keywords(self) -> tuple[str, ...]:
        """The keywords as a tuple of words, without empty ones."""
        words = KEYWORD_SEPARATORS.split(self.cleaned_data["keywords"])
        return tuple(word.strip() for word in words if word.strip())

    def clean_origin(self) -> dict:
        """The signed ``origin`` as ``{"fetched_url": str, "image_urls": tuple[str, ...]}``.

        Raises ``ValidationError`` when the signature does not match (the field was changed,
        or signed with another secret key): the editor is asked to import the page again.
        An address that is not ``http(s)`` is dropped (a fetched URL that is not makes the
        page count as pasted: no image is downloaded).
        """
        try:
            origin = signing.loads(self.cleaned_data["origin"], salt=ORIGIN_SALT)
        except signing.BadSignature:
            origin = None
        if not (
            isinstance(origin, dict)
            and isinstance(origin.get("fetched_url"), str)
            and isinstance(origin.get("image_urls"), list)
        ):
            raise ValidationError(self.fields["origin"].error_messages["required"], code="invalid")
        fetched_url = origin["fetched_url"] if _is_web_address(origin["fetched_url"]) else ""
        images = [url for url in origin["image_urls"] if _is_web_address(url)]
        return {"fetched_url": fetched_url, "image_urls": tuple(dict.fromkeys(images))}

    def identity(self) -> ParsedArticle | None:
        """The fields the duplicate rule looks at (title, original time, source URL) as a
        ParsedArticle, when all three are valid; else ``None``."""
        data = getattr(self, "cleaned_data", {})
        if not {"title", "original_published_at", "source_url"} <= data.keys():
            return None
        return ParsedArticle(
            title=data["title"],
            body_html="",
            original_published_at=data["original_published_at"],
            source_url=data["source_url"],
        )

    def parsed(self) -> ParsedArticle:
        """The edited fields of a valid form as a ParsedArticle for ``import_article``."""
        data = self.cleaned_data
        return ParsedArticle(
            title=data["title"],
            body_html=data["body"],
            subtitle=data["subtitle"],
            lead=data["lead"],
            byline=data["byline"],
            original_published_at=data["original_published_at"],
            source_name=data["source_name"],
            source_issue=data["source_issue"],
            source_editor=data["source_editor"],
            source_url=data["source_url"],
            keywords=data["keywords"],
            image_urls=data["origin"]["image_urls"],
        )

    def add_model_errors(self, error: ValidationError) -> None:
        """Show a model's ``ValidationError`` (from ``import_article``) on the form: on the
        field of the same name when there is one (``body`` is ``body``), else above it."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, field_errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, field_errors)


def sign_origin(fetched_url: str, image_urls) -> str:
    """The review form's ``origin`` value: ``fetched_url`` (``""`` for a pasted or uploaded
    page) and the page's ``image_urls`` (a sequence of strings, kept in order) as a JSON
    object signed with :data:`ORIGIN_SALT` (compressed: a page may have hundreds of images).
    """
    return signing.dumps(
        {"fetched_url": fetched_url, "image_urls": list(image_urls)},
        salt=ORIGIN_SALT,
        compress=True,
    )


def _is_web_address(url) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in _WEB_SCHEMES and bool(parts.netloc)


def save_draft(request, form: ReviewForm) -> tuple[Article, bool]:
    """Import the valid ``form`` as a draft whose poster is the requesting editor.

    Returns:
        ``(article, created)`` as :func:`articles.services.import_article` gives them;
        ``created`` is false when the page was imported already (nothing is written).

    Raises:
        ValidationError: a field does not fit the model; nothing is written.
    """
    return services.import_article(
        form.parsed(),
        category=form.cleaned_data["category"],
        poster=request.user,
        poster_ip=client_ip(request),
    )


def download_images(form: ReviewForm, article: Article) -> ImageReport:
    """For a page fetched by address, download the images it carried (the signed
    ``origin``) into the new ``article``'s gallery, with the page as ``Referer``, within
    :data:`IMAGE_TIME_BUDGET_SECONDS`; a pasted or uploaded page gets none (an empty
    report). A failed or skipped image is reported, never raised."""
    origin = form.cleaned_data["origin"]
    if not origin["fetched_url"]:
        return ImageReport()
    return import_images(
        article,
        origin["image_urls"],
        referer=origin["fetched_url"],
        budget=IMAGE_TIME_BUDGET_SECONDS,
    )


# --- The view -------------------------------------------------------------------------------


def import_view(model_admin, request):
    """The 导入文章 page of ``model_admin`` (the ArticleAdmin).

    GET shows the source form. POST of the source form recognises the page and shows the
    review form (or the source form again, with the reason, when it cannot); POST of the
    review form saves a draft and redirects to its change page with a message, or shows
    the review form again with the errors (a duplicate among them) and what was typed.

    Raises:
        PermissionDenied: the user may not add articles (403). ``AdminSite.admin_view``
            has already sent anonymous users and non-staff users to the login page.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get(STEP_FIELD) == REVIEW_STEP:
        return _review_step(model_admin, request)
    if request.method != "POST":
        return _render(model_admin, request, SOURCE_TEMPLATE, {"form": SourceForm()})
    form = SourceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            parsed, fetched_url = recognise(form.cleaned_data)
        except ArticleImportError as exc:
            form.add_error(None, str(exc))
        else:
            review = ReviewForm(initial=ReviewForm.initial_from(parsed, fetched_url))
            return _render_review(
                model_admin, request, review, services.find_imported(parsed), parsed.body_html
            )
    return _render(model_admin, request, SOURCE_TEMPLATE, {"form": form})


def _review_step(model_admin, request):
    form = ReviewForm(request.POST)
    duplicate = None
    if form.is_valid():
        try:
            article, created = save_draft(request, form)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            if created:
                # After the article's transaction: no lock is held while images download.
                _report(model_admin, request, article, download_images(form, article))
                return redirect(_change_url(model_admin, article))
            duplicate = article
            form.add_error(None, gettext("This page was imported already; nothing was saved."))
    if duplicate is None and (identity := form.identity()) is not None:
        duplicate = services.find_imported(identity)
    return _render_review(model_admin, request, form, duplicate, form.data.get("body", ""))


def _report(model_admin, request, article, images: ImageReport):
    """One message for the saved draft and its images (:meth:`ImageReport.summary`): a
    warning when some image was not imported, else a success."""
    message = gettext("The draft “%(title)s” was imported; check it and publish it.") % {
        "title": article.title
    }
    if summary := images.summary(MAX_LISTED_IMAGE_FAILURES):
        message += " " + summary
    level = messages.WARNING if images.failed else messages.SUCCESS
    model_admin.message_user(request, message, level)


def _render_review(model_admin, request, form, duplicate, body_html):
    context = {
        "adminform": helpers.AdminForm(form, ReviewForm.fieldsets, {}, model_admin=model_admin),
        "form": form,
        "step_field": STEP_FIELD,
        "review_step": REVIEW_STEP,
        "duplicate": duplicate,
        "duplicate_url": _change_url(model_admin, duplicate) if duplicate is not None else "",
        # The preview is what readers would get: the body as Article.save() will clean it.
        "preview_html": sanitize_html(body_html),
    }
    return _render(model_admin, request, REVIEW_TEMPLATE, context)


def _change_url(model_admin, article):
    return reverse(
        "admin:articles_article_change", args=[article.pk], current_app=model_admin.admin_site.name
    )


def _render(model_admin, request, template, context):
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": gettext("Import an article"),
            "subtitle": None,
            **context,
        },
    )
