"""The article page in a real browser: font-size buttons, the gallery, CSP, and the layout.

Drives Debian's chromium through Playwright against pytest-django's ``live_server``, which
serves static files from the finders (``StaticFilesHandler``) and uploaded media from
``MEDIA_ROOT`` (Django's ``LiveServerThread`` wraps the site in ``_MediaFilesHandler``, read at
request time, so the per-test MEDIA_ROOT of ``conftest.py`` is served without a URL pattern).
Screenshots go to ``var/screenshots/`` for a human to look at.
"""

from pathlib import Path

import pytest

from tests.browser import PageProblems, chromium, require_chromium
from tests.factories import ArticleFactory, ArticleImageFactory, CategoryFactory, image_file

pytestmark = pytest.mark.browser

#: Where the tests leave screenshots for a human to look at (var/ is git-ignored).
BASE_SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
BASE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)

PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}

# (size, colour) of the gallery images: landscape, portrait and panorama.
GALLERY = [((1200, 800), (155, 28, 28)), ((600, 900), (30, 90, 160)), ((1600, 600), (40, 130, 70))]

BODY = (
    "<p>本报讯 近日，某市中级人民法院召开新闻发布会，通报了本院过去一年审理的涉民生案件"
    "情况，并发布了十件典型案例，涵盖劳动争议、物业服务、教育培训、医疗美容等领域。</p>"
    "<h2>一、依法保障劳动者合法权益</h2><h3>——以“同案同判”统一裁判尺度</h3>"
    "<p>法院坚持把“如我在诉”的理念贯穿审判全过程，对拖欠劳动报酬案件开通绿色通道，"
    "实行快立、快审、快执，平均审理周期缩短至二十八天。</p>"
    "<blockquote>“每一个案件背后都是一个家庭，我们要把道理讲透、把法理讲明。”</blockquote>"
    "<p>下一步，法院将继续深化诉源治理，推动矛盾纠纷实质性化解，为经济社会高质量发展"
    "提供有力司法服务和保障。</p>"
)

FONT_SIZE_JS = "el => parseFloat(getComputedStyle(el).fontSize)"
# The strip rests on slide ``index``: within a few pixels of it (scroll-snap lands on device
# pixels, so at a fractional slide width it can settle 1-2 CSS px away).
SLIDE_AT_JS = """([index]) => {
  const track = document.querySelector("[data-gallery-track]");
  const target = track.children[index].offsetLeft - track.children[0].offsetLeft;
  return Math.abs(track.scrollLeft - target) <= 4;
}"""
IMAGES_LOADED_JS = """() => [...document.querySelectorAll(".gallery img")]
  .every(img => img.complete && img.naturalWidth > 0)"""
NO_HORIZONTAL_OVERFLOW_JS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def static_from_finders(settings):
    """``{% static %}`` without collectstatic: the plain storage needs no manifest, and the
    live server's ``StaticFilesHandler`` serves ``static/`` straight from the finders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_article_with_gallery():
    """A published article with a lead, a source, tags and a gallery of three images."""
    article = ArticleFactory(
        published=True,
        category=CategoryFactory(name="法院动态", slug="court-news"),
        title="市中级人民法院发布2024年度涉民生案件审判白皮书暨十大典型案例",
        lead="白皮书显示，全市法院去年共审结涉民生案件一万二千余件，调解撤诉率同比上升。",
        body=BODY,
        source_name="人民法院报",
        source_issue="2024年3月15日 第4版",
        source_editor="张三",
        source_url="https://court-paper.example/paper/html/2024-03/15/content_238473.htm?div=-1",
        tags=["民生", "典型案例", "白皮书"],
    )
    for position, (size, colour) in enumerate(GALLERY):
        ArticleImageFactory(
            article=article,
            image=image_file(name=f"photo-{position}.png", size=size, color=colour),
            caption=f"图{position + 1}：新闻发布会现场（{size[0]}×{size[1]}）",
            position=position,
        )
    return article


def test_article_page_in_chromium(live_server, static_from_finders, settings):
    executable = require_chromium()
    from playwright.sync_api import expect

    # Data first: while Playwright's event loop runs, Django refuses ORM calls here.
    article = make_article_with_gallery()
    url = live_server.url + article.get_absolute_url()
    screenshots = BASE_SCREENSHOTS

    with chromium(executable) as browser:
        page = browser.new_context(**PHONE).new_page()
        watcher = PageProblems()
        watcher.watch(page)
        assert page.goto(url).status == 200

        # fontsize.js ran (it sets data-font-step) and site.css styles the page.
        text = page.locator("[data-font-target]")
        expect(text).to_have_attribute("data-font-step", "0")
        paragraph = page.locator(".article__body p").first
        before = paragraph.evaluate(FONT_SIZE_JS)
        page.get_by_role("button", name="放大字体").click()
        expect(text).to_have_attribute("data-font-step", "1")
        larger = paragraph.evaluate(FONT_SIZE_JS)
        assert larger > before

        page.reload()
        expect(text).to_have_attribute("data-font-step", "1")
        assert paragraph.evaluate(FONT_SIZE_JS) == larger, "font step not remembered"

        # The gallery: buttons, then arrow keys on the focused strip.
        gallery = page.locator("[data-gallery]")
        track = gallery.locator("[data-gallery-track]")
        status = gallery.locator("[data-gallery-status]")
        previous = gallery.get_by_role("button", name="上一张")
        following = gallery.get_by_role("button", name="下一张")
        expect(track).to_have_css("scroll-snap-type", "x mandatory")
        expect(status).to_have_text("1 / 3")
        expect(previous).to_be_disabled()

        following.click()
        expect(status).to_have_text("2 / 3")
        page.wait_for_function(SLIDE_AT_JS, arg=[1])
        assert track.evaluate("el => el.scrollLeft") > 0

        track.focus()
        page.keyboard.press("ArrowRight")
        expect(status).to_have_text("3 / 3")
        expect(following).to_be_disabled()
        page.wait_for_function(SLIDE_AT_JS, arg=[2])

        page.keyboard.press("ArrowLeft")
        expect(status).to_have_text("2 / 3")
        page.wait_for_function(SLIDE_AT_JS, arg=[1])
        page.wait_for_timeout(200)  # past gallery.js's 120 ms scroll debounce
        expect(status).to_have_text("2 / 3")
        expect(following).to_be_enabled()

        # Enter on the focused "下一张" reaches the last slide; the button disables itself but
        # keyboard focus stays in the gallery, so the arrow keys keep working.
        following.focus()
        page.keyboard.press("Enter")
        expect(status).to_have_text("3 / 3")
        expect(track).to_be_focused()
        page.keyboard.press("ArrowLeft")
        expect(status).to_have_text("2 / 3")
        page.wait_for_function(SLIDE_AT_JS, arg=[1])

        # Uploaded media are served and decoded; the page never scrolls sideways.
        page.wait_for_function(IMAGES_LOADED_JS)
        widths = gallery.locator("img").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
        assert widths == [size[0] for size, _ in GALLERY]
        assert page.evaluate(NO_HORIZONTAL_OVERFLOW_JS), "the page overflows at 375 px"

        assert watcher.collect(page) == []
        page.evaluate("() => document.activeElement.blur()")  # no focus ring in the picture
        page.screenshot(path=screenshots / "article-375.png", full_page=True)

        desktop = browser.new_context(**DESKTOP).new_page()
        desktop_watcher = PageProblems()
        desktop_watcher.watch(desktop)
        assert desktop.goto(url).status == 200
        desktop.wait_for_function(
            "() => { const img = document.querySelector('.gallery img');"
            " return img.complete && img.naturalWidth > 0; }"
        )
        assert desktop_watcher.collect(desktop) == []
        desktop.screenshot(path=screenshots / "article-1280.png", full_page=True)


def test_admin_prefills_a_cjk_slug_from_the_title(live_server, static_from_finders):
    executable = require_chromium()
    from playwright.sync_api import expect

    from tests.factories import make_user

    make_user("editor", username="browser-editor")

    with chromium(executable) as browser:
        page = browser.new_context(**DESKTOP).new_page()
        watcher = PageProblems()
        watcher.watch(page)
        page.goto(live_server.url + "/admin/articles/article/add/")
        page.fill("#id_username", "browser-editor")
        page.fill("#id_password", "correct horse battery staple")
        page.click("input[type=submit]")
        expect(page.locator("#id_title")).to_be_visible()

        page.fill("#id_title", "院长论坛 | 练好固本强基“真功夫”")
        page.keyboard.press("Tab")  # prepopulate.js listens to change (IME input has no keyup)
        expect(page.locator("#id_slug")).to_have_value("院长论坛-练好固本强基真功夫")
        assert watcher.collect(page) == []


def test_admin_article_page_fits_a_1280_px_screen(live_server, static_from_finders):
    executable = require_chromium()
    from tests.factories import make_user

    article = make_article_with_gallery()
    make_user("editor", username="layout-editor")
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    with chromium(executable) as browser:
        page = browser.new_context(**DESKTOP).new_page()
        watcher = PageProblems()
        watcher.watch(page)
        page.goto(change_url)
        page.fill("#id_username", "layout-editor")
        page.fill("#id_password", "correct horse battery staple")
        page.click("input[type=submit]")
        page.wait_for_selector("#images-group")
        page.screenshot(path=BASE_SCREENSHOTS / "admin-article-1280.png", full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 1280, f"the admin page is {width} px wide"
        previews = page.locator("#images-group .field-preview img")
        assert previews.count() == len(GALLERY)
        assert watcher.collect(page) == []
