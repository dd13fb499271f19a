"""The public notice-and-action forms: takedown notice, illegal-content report,
counter-notice, request for review, and the claimant's report of a complaint or lawsuit.

Every form has a honeypot field that people leave empty; text is normalized like the rest of
the site (see :class:`articles.forms.NormalizedTextMixin`); files are checked by content
(:mod:`moderation.evidence`).
"""

from urllib.parse import unquote, urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from articles.forms import NormalizedTextMixin
from articles.models import Article

from .evidence import check_uploads
from .models import CounterNotice, Notice, Report

#: Most articles one notice may name.
MAX_ARTICLES_PER_NOTICE = 20


class HoneypotMixin(forms.Form):
    """Adds ``leave_empty``, a field hidden from people (by CSS, and skipped by keyboard and
    autofill) that form-filling robots tend to fill in."""

    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        # Labels are full phrases (some end in "？"): no ":" after them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_leave_empty(self):
        if self.cleaned_data["leave_empty"]:
            raise ValidationError(
                _(
                    "This submission looked automated. Please clear the field marked “leave "
                    "empty” and send it again."
                )
            )
        return ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once (Django's documented multiple-upload pattern), checked by
    content; cleans to a list of :class:`~moderation.services.EvidenceUpload`."""

    widget = MultipleFileInput(
        attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
    )

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        files = [super(EvidenceField, self).clean(item, initial) for item in files]
        files = [item for item in files if item]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return check_uploads(files)


def article_from_url(text: str, allowed_hosts) -> Article:
    """The article that a URL of this site points at.

    Accepts the article's page (``/articles/<id>/<slug>/``), its short URL
    (``/articles/<id>/``), absolute (on one of ``allowed_hosts``) or as a path, with or
    without percent-encoding; the article must have been published (it may be taken down).

    Raises:
        ValidationError: not a URL of this site, not an article's URL, or no such article.
    """
    text = text.strip()
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        raise ValidationError(_("“%(url)s” is not a web address.") % {"url": text})
    if parts.netloc and parts.netloc.lower() not in allowed_hosts:
        raise ValidationError(
            _(
                "“%(url)s” is not a page of this site. Please paste the address of one of our "
                "articles."
            )
            % {"url": text}
        )
    path = unquote(parts.path or "")
    if not path.startswith("/"):
        path = "/" + path
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is None or match.view_name not in {"articles:detail", "articles:detail-short"}:
        raise ValidationError(
            _("“%(url)s” is not the address of an article on this site.") % {"url": text}
        )
    article = Article.objects.released().filter(pk=match.kwargs["pk"]).first()
    if article is None:
        raise ValidationError(_("There is no published article at “%(url)s”.") % {"url": text})
    return article


def site_hosts(request) -> set[str]:
    """Host names (with port) under which article URLs pasted into a form are ours: the
    request's host and ``settings.SITE_URL``'s."""
    hosts = {request.get_host().lower()} if request else set()
    if settings.SITE_URL:
        hosts.add(urlsplit(settings.SITE_URL).netloc.lower())
    return hosts


class NoticeForm(NormalizedTextMixin, HoneypotMixin, forms.ModelForm):
    """A takedown notice with the elements of the Regulation on the Protection of the Right
    to Network Dissemination of Information, Art. 14, and DSA Art. 16(2)."""

    single_line_fields = (
        "claimant_name", "organisation", "principal", "postal_address", "phone", "signature",
    )  # fmt: skip
    multi_line_fields = ("work", "explanation")

    article_urls = forms.CharField(
        label=_("Articles concerned"),
        help_text=_("The address of each article, one per line (at most %(max)d).")
        % {"max": MAX_ARTICLES_PER_NOTICE},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = EvidenceField(
        label=_("Preliminary proof"),
        help_text=_(
            "PDF, JPEG or PNG; at most %(files)d files of %(mb)d MB each (e.g. a copyright "
            "registration, the original publication, an authorisation letter)."
        )
        % {"files": 5, "mb": 10},
    )
    work_url = forms.URLField(
        label=_("URL of the original work"), max_length=500, required=False, assume_scheme="https"
    )
    good_faith = forms.BooleanField(
        label=_("I believe in good faith that the use of the material is not authorised by the "
                "rights holder, its agent or the law."),
    )  # fmt: skip
    accuracy = forms.BooleanField(
        label=_("I declare that the information in this notice is accurate and complete, and "
                "that I am the rights holder or authorised to act for them."),
    )  # fmt: skip

    class Meta:
        model = Notice
        fields = [
            "claimant_name", "organisation", "capacity", "principal", "postal_address",
            "email", "phone", "right", "work", "work_url", "explanation", "good_faith",
            "accuracy", "signature",
        ]  # fmt: skip
        widgets = {
            "capacity": forms.RadioSelect,
            "work": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "signature": _("Type your full name as your signature."),
        }

    field_order = [
        "article_urls", "claimant_name", "organisation", "capacity", "principal",
        "postal_address", "email", "phone", "right", "work", "work_url", "explanation",
        "evidence", "good_faith", "accuracy", "signature",
    ]  # fmt: skip

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["capacity"].choices = Notice.Capacity.choices

    def clean_article_urls(self):
        lines = [line for line in self.cleaned_data["article_urls"].splitlines() if line.strip()]
        if not lines:
            raise ValidationError(_("Please name at least one article."))
        if len(lines) > MAX_ARTICLES_PER_NOTICE:
            raise ValidationError(
                _("Please name at most %(max)d articles in one notice.")
                % {"max": MAX_ARTICLES_PER_NOTICE}
            )
        articles, errors = {}, []
        hosts = site_hosts(self.request)
        for line in lines:
            try:
                article = article_from_url(line, hosts)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                articles[article.pk] = article
        if errors:
            raise ValidationError(errors)
        return list(articles.values())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("capacity") == Notice.Capacity.AGENT and not cleaned.get("principal"):
            self.add_error(
                "principal", _("An authorised agent must name the rights holder they act for.")
            )
        return cleaned

    def notice_data(self) -> dict:
        """The cleaned values of the notice's own fields, for ``services.submit_notice``."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ReportForm(NormalizedTextMixin, HoneypotMixin, forms.ModelForm):
    """An illegal-content report; the contact is optional (anonymous reports get no
    answer)."""

    single_line_fields = ("contact_name",)
    multi_line_fields = ("explanation",)

    article_url = forms.CharField(
        label=_("Article address"), help_text=_("The address of the article you report.")
    )

    class Meta:
        model = Report
        fields = ["category", "explanation", "contact_name", "contact_email"]
        widgets = {
            "category": forms.RadioSelect,
            "explanation": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "explanation": _("What is wrong with the article, and where in it."),
            "contact_email": _(
                "Optional. Without an address the report is still handled, but we cannot "
                "tell you the outcome."
            ),
        }

    field_order = ["article_url", "category", "explanation", "contact_name", "contact_email"]

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Report.Category.choices

    def clean_article_url(self):
        return article_from_url(self.cleaned_data["article_url"], site_hosts(self.request))

    def report_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class CounterNoticeForm(NormalizedTextMixin, HoneypotMixin, forms.ModelForm):
    """A poster's counter-notice (Regulation Art. 16): who they are, the article, why it does
    not infringe, proof, a statement of good faith and a signature."""

    single_line_fields = ("name", "phone", "postal_address", "signature")
    multi_line_fields = ("explanation",)

    article = forms.ModelChoiceField(label=_("Article concerned"), queryset=Article.objects.none())
    evidence = EvidenceField(
        label=_("Preliminary proof"),
        help_text=_("PDF, JPEG or PNG; at most 5 files of 10 MB each (e.g. a licence)."),
    )
    good_faith = forms.BooleanField(
        label=_("I believe in good faith that the article was removed by mistake or "
                "misidentification, and I accept responsibility for this statement."),
    )  # fmt: skip

    class Meta:
        model = CounterNotice
        fields = [
            "article", "name", "email", "phone", "postal_address", "explanation", "good_faith",
            "signature",
        ]  # fmt: skip
        widgets = {"explanation": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"signature": _("Type your full name as your signature.")}

    def __init__(self, *args, articles, **kwargs):
        """``articles``: the queryset of taken-down articles the poster may answer for."""
        super().__init__(*args, **kwargs)
        # Regulation Art. 16(1): name, contact details and address, forwarded to the
        # claimant so that they can take the matter further.
        for name in ("phone", "postal_address"):
            self.fields[name].required = True
        self.fields["article"].queryset = articles
        first = articles.first()
        if first is not None:
            self.fields["article"].initial = first.pk

    def counter_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name != "article"}


class ReviewRequestForm(NormalizedTextMixin, HoneypotMixin, forms.Form):
    """A request for review of a decision (DSA Art. 20)."""

    multi_line_fields = ("explanation",)

    explanation = forms.CharField(
        label=_("Why should the decision change?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class LegalActionForm(NormalizedTextMixin, HoneypotMixin, forms.Form):
    """The claimant's report that they have filed a complaint or a lawsuit (Civil Code
    Art. 1196), which holds a scheduled restoration."""

    multi_line_fields = ("note",)

    note = forms.CharField(
        label=_("Complaint or lawsuit"),
        help_text=_("The authority or court, the date and the case number."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
