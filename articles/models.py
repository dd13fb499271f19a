"""Articles, their categories and images, and the site-wide disclaimer."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from .masking import mask_nickname
from .querysets import ArticleQuerySet
from .renditions import MAX_PIXELS, ImageTooLarge, make_rendition
from .sanitize import html_to_text, normalize_text, sanitize_html, words_only
from .storage import private_storage
from .validators import validate_plausible_year

SLUG_MAX_LENGTH = 200


def make_slug(text: str) -> str:
    """Unicode slug of ``text`` (CJK kept), at most ``SLUG_MAX_LENGTH`` characters.

    ``"院长论坛 | 练好“真功夫”" -> "院长论坛-练好真功夫"``. Returns ``"article"`` when
    nothing sluggable is left.
    """
    return slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-") or "article"


class CategoryQuerySet(models.QuerySet):
    def subtree(self, slug) -> list["Category"]:
        """The category with ``slug`` followed by all categories below it, in one query
        (the table is small); ``[]`` when there is no such category. Safe on a corrupt
        tree with a cycle."""
        categories = list(self)
        root = next((category for category in categories if category.slug == slug), None)
        if root is None:
            return []
        children = {}
        for category in categories:
            children.setdefault(category.parent_id, []).append(category)
        tree, seen, stack = [], set(), [root]
        while stack:
            node = stack.pop(0)
            if node.pk not in seen:
                seen.add(node.pk)
                tree.append(node)
                stack.extend(children.get(node.pk, []))
        return tree


class Category(models.Model):
    """A node of the category tree (e.g. 行业新闻 › 热点新闻)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return " » ".join(category.name for category in self.ancestors(include_self=True))

    def save(self, *args, **kwargs):
        """Save, refusing a parent that would make a cycle.

        The parent links of all categories (a small table) are locked and read in one
        transaction, so two editors who each move a category under the other cannot both
        succeed (``select_for_update``; on SQLite the IMMEDIATE transaction serializes).

        Raises:
            ValidationError: the new parent is this category or one of its descendants.
        """
        self.name = normalize_text(self.name, single_line=True)
        with transaction.atomic():
            if self.pk is not None and self.parent_id is not None:
                self._check_no_cycle(self._locked_parent_links())
            super().save(*args, **kwargs)

    save.alters_data = True

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})

    def ancestors(self, include_self=False):
        """Categories from the root down to this one's parent (or to this one).

        Follows ``parent`` links; a view that shows breadcrumbs selects them with
        ``select_related("category__parent__parent")`` so shallow trees cost no query.
        Stops at a cycle instead of looping.
        """
        chain, seen, node = [], set(), self if include_self else self.parent
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def clean(self):
        """Refuse a parent that would make a cycle (see ``save``); inside a transaction (the
        admin's) the tree stays locked from this check until the save."""
        self._check_no_cycle(self._locked_parent_links())

    def _locked_parent_links(self):
        rows = Category.objects.order_by("pk")
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update()
        return dict(rows.values_list("pk", "parent_id"))

    def _check_no_cycle(self, parents):
        """Raise ``ValidationError`` when ``self.parent`` is ``self`` or one of its descendants.

        ``parents`` maps every saved category's pk to its parent's pk.
        """
        node, seen = self.parent_id, set()
        while node is not None and node not in seen:
            if node == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
            seen.add(node)
            node = parents.get(node)


class Tag(TagBase):
    """A tag (django-taggit). Its slug is never empty: a name with no letters or digits
    (``？``, ``♥``, ``《》``) gets ``tag``, ``tag-1``, ... so every tag page has a URL."""

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name, single_line=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})

    def slugify(self, tag, i=None):
        # At most 90 characters before any "-<n>", so taggit's search for taken slugs
        # (``slug__startswith``) sees the numbered ones.
        slug = slugify(tag, allow_unicode=True).strip("-_")[:90].strip("-_") or "tag"
        return f"{slug}-{i}" if i is not None else slug


class TaggedArticle(ItemBase):
    """Through model between articles and their tags."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")


class Article(models.Model):
    """A news article, written here or republished from a court publication.

    ``body`` is sanitized HTML (see :mod:`articles.sanitize`) whatever path writes it.
    ``view_count`` only changes through :func:`articles.services.record_view` (an atomic
    ``F() + 1`` update); saving a loaded instance never writes it back.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Removal(models.TextChoices):
        """Why a published article was taken down (see :func:`articles.services.take_down`)."""

        RIGHTS_NOTICE = "rights_notice", _("rights holder's notice")
        PERSONAL_RIGHTS_NOTICE = "personal_notice", _("notice about a person's rights")
        ILLEGAL_CONTENT = "illegal_content", _("illegal content report")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, allow_unicode=True, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    subtitle = models.CharField(
        _("subtitle"),
        max_length=255,
        blank=True,
        help_text=_("The line under the title (副标题), e.g. one that starts with ——."),
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("The 导读: a short summary shown above the text.")
    )
    byline = models.CharField(
        _("byline"),
        max_length=255,
        blank=True,
        help_text=_(
            "The authors, without a label such as 文 or 作者: 某法院院长 某某; with several "
            "roles, each keeps its own: 本报记者 某某 通讯员 某某."
        ),
    )

    source_name = models.CharField(_("source publication"), max_length=200, blank=True)
    source_issue = models.CharField(_("source issue"), max_length=100, blank=True)
    source_editor = models.CharField(_("source editor"), max_length=100, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    # What the importer recognised as the body, hashed (articles.services.source_fingerprint):
    # the same page imported again is known even after its title was corrected.
    source_fingerprint = models.CharField(
        _("source fingerprint"), max_length=64, blank=True, editable=False, db_index=True
    )
    original_published_at = models.DateTimeField(
        _("original publication time"),
        null=True,
        blank=True,
        validators=[validate_plausible_year],
    )

    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("poster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posted_articles",
    )
    poster_nickname = models.CharField(_("poster nickname"), max_length=100, blank=True)
    poster_ip = models.GenericIPAddressField(_("poster IP"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publish time"), null=True, blank=True, validators=[validate_plausible_year]
    )
    view_count = models.PositiveBigIntegerField(_("view count"), default=0, editable=False)
    disclaimer = models.TextField(
        _("disclaimer"),
        blank=True,
        help_text=_("Replaces the site-wide disclaimer when set. {nickname} is the masked poster."),
    )
    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"))

    # A takedown hides the article from readers without touching its status, body, images or
    # counters, so that restoring it brings back exactly what was there. Only
    # articles.services.take_down() / restore() write these.
    removed_at = models.DateTimeField(_("taken down at"), null=True, blank=True, editable=False)
    removal_reason = models.CharField(
        _("takedown reason"), max_length=32, choices=Removal, blank=True, editable=False
    )
    removal_notice = models.TextField(
        _("public takedown notice"),
        blank=True,
        editable=False,
        help_text=_(
            "Shown on the tombstone page, e.g. a notice whose poster could not be reached."
        ),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The long columns come last: SQLite stores a row's columns in this order, so list
    # queries, which never read these, do not walk a long body's overflow pages to reach
    # the columns after it.
    body = models.TextField(_("body"), blank=True, help_text=_("HTML; sanitized on save."))
    # The body's visible text, kept in step with ``body`` on every write, for search.
    body_text = models.TextField(_("body text"), blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # The publishers' right (articles.permissions): editors may write but not publish.
        permissions = [("publish_article", "Can publish, schedule and withdraw articles")]
        indexes = [
            # The list queries filter on status and publish time and sort by publish time or
            # views; with these columns in the index no row (and no long body stored before
            # them) is read to filter or sort.
            models.Index(fields=["status", "published_at"], name="article_status_pub_idx"),
            models.Index(fields=["status", "view_count"], name="article_most_viewed_idx"),
            models.Index(
                fields=["category", "status", "published_at"], name="article_category_pub_idx"
            ),
        ]
        constraints = [
            # One article per source: the importer's duplicate check, enforced by the database
            # so that concurrent imports of the same page cannot both succeed.
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~models.Q(source_url=""),
                name="article_unique_source_url",
                violation_error_message=_("An article from this source URL already exists."),
            ),
        ]

    def __str__(self):
        return self.title

    #: Fields only the services write (a counter and the takedown state). A plain save()
    #: of a loaded instance never writes them back, so an editor's form opened before a
    #: view or a takedown cannot undo it.
    SERVICE_FIELDS = frozenset({"view_count", "removed_at", "removal_reason", "removal_notice"})

    #: Plain-text fields cleaned on save (see ``normalize_text``): one line, or several.
    SINGLE_LINE_FIELDS = (
        "title", "byline", "source_name", "source_issue", "source_editor", "poster_nickname",
    )  # fmt: skip
    MULTI_LINE_FIELDS = ("lead", "disclaimer")

    def save(self, *args, **kwargs):
        """Fill the slug and the publish time, and never write ``view_count`` back.

        (The body and text fields are cleaned by :meth:`clean_text`, from a ``pre_save``
        receiver, so that fixtures loaded raw are cleaned too.)

        An article saved as published without a publish time is published now. On an update
        without explicit ``update_fields`` every concrete field except the
        ``SERVICE_FIELDS`` is written, so an editor's save cannot overwrite views counted, or
        undo a takedown made, while the form was open;
        with ``update_fields`` naming ``body``, ``body_text`` is written with it.
        """
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.slug:
            self.slug = make_slug(self.title)
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and update_fields is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.SERVICE_FIELDS
            ]
        elif update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_text"}
        super().save(*args, **kwargs)

    save.alters_data = True

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    @property
    def lead_repeats_body(self) -> bool:
        """Whether the lead only copies the start of the body (many portals fill their 导读
        with the first paragraph): readers then see that text once, in the body. Spaces and
        punctuation are not compared."""
        lead = words_only(self.lead)
        if not lead:
            return False
        start = words_only((self.body_text or "")[: 2 * len(self.lead) + 100])
        return start.startswith(lead)

    def display_disclaimer(self) -> str:
        """The disclaimer shown under the article: its own when set, else the site-wide
        text, with ``{nickname}`` filled in with the masked poster nickname."""
        text = self.disclaimer or SiteDisclaimer.current_text()
        return SiteDisclaimer.render(text, mask_nickname(self.poster_nickname))

    def clean_text(self):
        """Sanitize ``body`` (and derive ``body_text``) and normalize the plain-text fields.

        Runs before every save, ``loaddata`` included (see :func:`clean_article_text`).
        """
        self.body = sanitize_html(self.body)
        self.body_text = html_to_text(self.body)
        for name in self.SINGLE_LINE_FIELDS:
            setattr(self, name, normalize_text(getattr(self, name), single_line=True))
        for name in self.MULTI_LINE_FIELDS:
            setattr(self, name, normalize_text(getattr(self, name)))

    @property
    def is_published(self):
        """True when readers may see the article now (same rule as ``published()``)."""
        return self.is_released and self.removed_at is None

    @property
    def is_released(self):
        """True when the article is published and its publish time has come, whether or not
        it has since been taken down."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_removed(self):
        """True while the article is taken down (it answers HTTP 451)."""
        return self.removed_at is not None

    @property
    def tombstone_shows_title(self) -> bool:
        """Whether the 451 page may repeat the title: only after a notice about a work. The
        title of an article removed as illegal, or for a person's reputation, privacy or
        portrait, may itself be what was removed."""
        return self.removal_reason == self.Removal.RIGHTS_NOTICE


@receiver(pre_save, sender=Article)
def clean_article_text(sender, instance, raw=False, **kwargs):
    """Clean every article before it is written, whatever the entry path: ``save()``, the
    admin, the importer, and ``loaddata`` (which saves raw, skipping ``Article.save``)."""
    instance.clean_text()


def article_image_path(instance, filename):
    """Upload path ``articles/<YYYY>/<MM>/<filename>`` (storage makes names unique)."""
    now = timezone.localtime()
    return f"articles/{now:%Y}/{now:%m}/{filename}"


class ArticleImage(models.Model):
    """One image of an article's gallery, in ``position`` order."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="images"
    )
    # The upload as received, never shown to readers (it may carry EXIF/GPS metadata).
    image = models.ImageField(_("image"), upload_to=article_image_path, storage=private_storage)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=255,
        blank=True,
        help_text=_("Describes the image for readers who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    rendition = models.ImageField(
        _("display rendition"),
        upload_to=article_image_path,
        width_field="width",
        height_field="height",
        blank=True,
        editable=False,
        help_text=_("Made from the image on save: at most 1600 px, without metadata."),
    )
    # Size of the rendition as shown (after EXIF rotation), for the <img> width and height.
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("article image")
        verbose_name_plural = _("article images")

    def __str__(self):
        return self.caption or self.image.name

    def save(self, *args, **kwargs):
        """Save, making a new display rendition when the image is new or replaced.

        Raises:
            OSError, PIL.Image.DecompressionBombError: the image cannot be decoded (forms
                report this earlier, through ``clean()``).
        """
        self.caption = normalize_text(self.caption, single_line=True)
        self.alt_text = normalize_text(self.alt_text, single_line=True)
        new_rendition = self._needs_rendition()
        if new_rendition:
            self.rendition = getattr(self, "_new_rendition", None) or self._render()
            self._new_rendition = None
        super().save(*args, **kwargs)
        if new_rendition and self.article.removed_at is not None:
            # The article is taken down: its images are withheld like the others.
            from .services import move_renditions

            transaction.on_commit(
                lambda: move_renditions(self.article_id, withhold=True), robust=True
            )

    def clean(self):
        """Decode a new image fully now, so a file that only looks like an image (truncated,
        a decompression bomb) is a form error rather than a failure on save."""
        if self._needs_rendition():
            try:
                self._new_rendition = self._render()
            except ImageTooLarge as exc:
                message = _("This image has too many pixels (%(pixels)d; at most %(limit)d).")
                raise ValidationError(
                    {"image": message % {"pixels": exc.args[0], "limit": MAX_PIXELS}}
                ) from exc
            except Exception as exc:  # Pillow raises many types for undecodable files
                raise ValidationError(
                    {"image": _("This image cannot be read (%(error)s).") % {"error": exc}}
                ) from exc

    def _needs_rendition(self):
        return bool(self.image) and (not self.rendition or not self.image._committed)

    def _render(self):
        self.image.open("rb")
        self.image.seek(0)
        try:
            return make_rendition(self.image, self.image.name)
        finally:
            self.image.seek(0)

    @property
    def display_url(self):
        """URL of the rendition readers see ("" before one exists: never the original)."""
        return self.rendition.url if self.rendition else ""


class SiteDisclaimer(models.Model):
    """The site-wide disclaimer shown under every article (one row, edited by staff).

    ``text`` may contain ``{nickname}``, replaced by the poster's masked nickname.
    """

    DEFAULT_TEXT = (
        "本文由昵称为 {nickname} 的用户发布，仅代表发布者个人观点，本站未对其内容进行核实，"
        "请读者仅作参考。如文中内容涉及版权或其他权利问题，权利人可要求本站删除，"
        "我们将在 3 个工作日内处理；发现违法违规内容，欢迎举报。"
    )

    text = models.TextField(
        _("disclaimer text"),
        default=DEFAULT_TEXT,
        help_text=_(
            "Plain text (HTML is shown as typed). {nickname} is replaced by the masked "
            "nickname of the article's poster."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("site disclaimer")
        verbose_name_plural = _("site disclaimer")

    def __str__(self):
        return str(_("site disclaimer"))

    def save(self, *args, **kwargs):
        self.text = normalize_text(self.text)
        super().save(*args, **kwargs)

    @classmethod
    def current_text(cls) -> str:
        """The disclaimer text in force (the default when staff have not edited it)."""
        row = cls.objects.order_by("pk").first()
        return row.text if row else cls.DEFAULT_TEXT

    @staticmethod
    def render(text: str, masked_nickname: str) -> str:
        """Fill the ``{nickname}`` placeholder (plain replacement; other braces stay)."""
        return text.replace("{nickname}", masked_nickname or "匿名")
