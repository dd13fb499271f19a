"""Recognition by what lines say, not where one layout puts them (articles.importing).

Each test is a small page in a shape the issue names: metadata labels in any order on one
line, bullets and brackets, a navigation line or an app promotion above the title, metadata at
the bottom, a subtitle, keywords, declared HTML metadata, WeChat variables, declared charsets.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext

from articles.importing import ArticleImportError, parse_bytes, parse_html, parse_text
from articles.importing.fields import find_datetime, from_timestamp

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARAGRAPHS = (
    "3月5日，云岭市中级人民法院对一起合同纠纷案件进行公开宣判，当事人当庭表示服判息诉。\n\n"
    "据介绍，该院今年以来持续推进诉源治理，诉前调解成功的案件数量同比上升三成。\n"
)


def at(*parts):
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "meta_line",
    [
        "时间：2024-03-05 10:20 作者：林小川 来源：云岭法院",
        "来源：云岭法院　作者：林小川　时间：2024-03-05 10:20",
        "【来源：云岭法院】【作者：林小川】【发布时间：2024年03月05日 10:20】",
        "2024-03-05 10:20  来源：云岭法院  作者：林小川",
        "作者:林小川 | 来源:云岭法院 | 发布日期:2024/3/5 10:20 | 点击数:128",
    ],
)
def test_labels_in_any_order_and_combination_on_one_line(meta_line):
    parsed = parse_text(f"云岭中院宣判一起合同纠纷案件\n{meta_line}\n\n{PARAGRAPHS}")

    assert parsed.title == "云岭中院宣判一起合同纠纷案件"
    assert parsed.byline == "林小川"
    assert parsed.source_name == "云岭法院"
    assert parsed.original_published_at == at(2024, 3, 5, 10, 20)
    assert "来源" not in parsed.body_html and "点击数" not in parsed.body_html
    assert parsed.body_html.count("<p>") == 2


def test_navigation_lines_and_app_promotions_above_the_title_are_chrome():
    parsed = parse_text(
        "首页 | 新闻 | 法治 | 视频 | 专题\n"
        "云岭法院网 >> 新闻中心 >> 法院动态\n"
        "APP下载 扫码关注\n"
        "云岭中院宣判一起合同纠纷案件\n"
        "发布时间：2024-03-05 10:20\n" + PARAGRAPHS + "上一篇：云岭法院召开党组会议\n"
        "下一篇：云岭法院开展普法宣传\n"
        "版权所有 云岭市中级人民法院 滇ICP备00000000号\n"
    )

    assert parsed.title == "云岭中院宣判一起合同纠纷案件"
    for chrome in ("首页", "新闻中心", "APP", "上一篇", "党组会议", "ICP"):
        assert chrome not in parsed.body_html


def test_a_square_bullet_byline_keeps_each_role():
    parsed = parse_text(
        "执行干警凌晨出击 拘传两名被执行人\n■ 本报记者 许清 通讯员 贾南\n\n" + PARAGRAPHS
    )

    assert parsed.byline == "本报记者 许清 通讯员 贾南"
    assert "许清" not in parsed.body_html


def test_metadata_at_the_bottom_and_an_editor_line_in_brackets():
    parsed = parse_text(
        "云岭中院宣判一起合同纠纷案件\n\n" + PARAGRAPHS + "（责任编辑：邵远 审核：蒲青）\n"
        "来源：云岭法院 作者：林小川\n\n相关阅读：\n云岭法院召开党组会议\n"
    )

    assert parsed.source_editor == "邵远"
    assert parsed.source_name == "云岭法院"
    assert parsed.byline == "林小川"
    assert "审核" not in parsed.body_html and "蒲青" not in parsed.body_html
    assert "党组会议" not in parsed.body_html


def test_subtitle_lead_and_keywords_are_fields():
    parsed = parse_text(
        "一条排水沟引发的十年积怨\n"
        "——云岭县人民法院巡回法庭就地化解相邻纠纷纪实\n"
        "发布日期：2024年05月07日 09:30\n"
        "【内容提要】法官把调解会开在两家院墙之间，化解了一起相邻关系纠纷。\n"
        "关键词：相邻关系；巡回审判、调解\n\n" + PARAGRAPHS
    )

    assert parsed.subtitle == "——云岭县人民法院巡回法庭就地化解相邻纠纷纪实"
    assert parsed.lead == "法官把调解会开在两家院墙之间，化解了一起相邻关系纠纷。"
    assert parsed.keywords == ("相邻关系", "巡回审判", "调解")
    assert parsed.original_published_at == at(2024, 5, 7, 9, 30)
    assert "提要" not in parsed.body_html and "关键词" not in parsed.body_html


def test_a_body_sentence_mentioning_a_label_stays_text():
    parsed = parse_text(
        "云岭中院宣判一起合同纠纷案件\n\n"
        "记者从云岭市中级人民法院获悉，该院今年以来审结合同纠纷案件一千余件。\n"
        "时间紧、任务重，法官们加班加点，确保案件按期审结。\n"
        "数据来源：云岭市中级人民法院审判管理办公室统计，截至今年六月底。\n"
    )

    assert parsed.byline == ""
    assert parsed.source_name == ""
    assert parsed.body_html.count("<p>") == 3


def test_a_dateline_byline_is_read_and_the_paragraph_kept():
    parsed = parse_text(
        "云岭中院宣判一起合同纠纷案件\n\n"
        "本报讯（记者 许清 通讯员 贾南）3月5日，云岭市中级人民法院公开宣判一起合同纠纷案件。\n"
        "据介绍，该院今年以来持续推进诉源治理。\n"
    )

    assert parsed.byline == "记者 许清 通讯员 贾南"
    assert parsed.body_html.startswith("<p>本报讯（记者 许清")


def test_html_declared_metadata_comes_first():
    page = """<!doctype html><html><head>
    <title>云岭中院宣判一起合同纠纷案件_云岭法院网</title>
    <meta property="og:title" content="云岭中院宣判一起合同纠纷案件">
    <meta property="article:published_time" content="2024-03-05T10:20:00+08:00">
    <meta name="keywords" content="合同纠纷,诉源治理,云岭法院网">
    <link rel="canonical" href="https://court.example.cn/news/2024/0305/12.html">
    </head><body>
    <div class="nav"><a>首页</a> | <a>新闻</a> | <a>法治</a> | <a>专题</a></div>
    <h1>云岭中院宣判一起合同纠纷案件</h1>
    <div class="info">来源：云岭法院 【字体：大 中 小】</div>
    <div class="content">
      <p>3月5日，云岭市中级人民法院对一起合同纠纷案件进行公开宣判，当事人当庭表示服判息诉。</p>
      <p>据介绍，该院今年以来持续推进诉源治理，诉前调解成功的案件数量同比上升三成。</p>
      <p><img src="/upload/2024/photo.jpg" width="600" alt="宣判现场"></p>
      <table><tr><th>类型</th><th>件数</th></tr><tr><td>合同纠纷</td><td>1024</td></tr></table>
    </div>
    <div class="footer">Copyright © 2024 云岭市中级人民法院</div>
    </body></html>"""

    parsed = parse_html(page, url="https://court.example.cn/news/2024/0305/12.html")

    assert parsed.title == "云岭中院宣判一起合同纠纷案件"
    assert parsed.original_published_at == at(2024, 3, 5, 10, 20)
    assert parsed.source_url == "https://court.example.cn/news/2024/0305/12.html"
    assert parsed.source_name == "云岭法院"
    assert parsed.keywords == ("合同纠纷", "诉源治理")  # the site's own name is not a keyword
    assert parsed.image_urls == ("https://court.example.cn/upload/2024/photo.jpg",)
    assert "<table>" in parsed.body_html and "<td>1024</td>" in parsed.body_html
    assert "字体" not in parsed.body_html and "Copyright" not in parsed.body_html


def test_a_wechat_article_is_read_from_its_variables():
    page = """<html><head><meta property="og:title" content="法官说法 | 彩礼能不能要回来？">
    </head><body>
    <h1 class="rich_media_title" id="activity-name">法官说法 | 彩礼能不能要回来？</h1>
    <a id="js_name">云岭中院</a><em id="publish_time">2024年3月5日 10:20</em>
    <div class="rich_media_content" id="js_content" style="visibility: hidden;">
    <section><p><span style="font-size:15px">婚约解除后，彩礼能否返还，是常被问到的问题。</span>
    </p>
    <p><img data-src="https://mmbiz.example.org/pic/1.png" data-type="png"></p>
    <p>法官提醒，是否返还要看双方是否共同生活、给付彩礼是否导致生活困难等因素。</p></section>
    </div>
    <div>预览时标签不可点</div><div>微信扫一扫关注该公众号</div>
    <script>var ct = "1709605200"; var msg_link = "http://mp.weixin.qq.com/s?__biz=AB\\x26amp;mid=1";</script>
    </body></html>"""

    parsed = parse_html(page)

    assert parsed.title == "法官说法 | 彩礼能不能要回来？"
    assert parsed.source_name == "云岭中院"
    assert parsed.original_published_at == at(2024, 3, 5, 10, 20)  # 1709605200 with minutes
    assert parsed.source_url == "http://mp.weixin.qq.com/s?__biz=AB&mid=1"
    assert parsed.image_urls == ("https://mmbiz.example.org/pic/1.png",)
    assert parsed.body_html.count("<p>") == 2
    assert "预览时标签" not in parsed.body_html


def test_json_ld_news_article_gives_time_and_author():
    page = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "云岭网"},
     {"@type": "NewsArticle", "headline": "云岭中院宣判一起合同纠纷案件",
      "datePublished": "2024-03-05T10:20:30+08:00",
      "author": [{"@type": "Person", "name": "林小川"}]}]}
    </script></head><body><h1>云岭中院宣判一起合同纠纷案件</h1>
    <article><p>3月5日，云岭市中级人民法院对一起合同纠纷案件进行公开宣判，当事人当庭表示服判息诉。</p>
    <p>据介绍，该院今年以来持续推进诉源治理，诉前调解成功的案件数量同比上升三成。</p></article>
    </body></html>"""

    parsed = parse_html(page)

    assert parsed.original_published_at == at(2024, 3, 5, 10, 20, 30)
    assert parsed.byline == "林小川"


def test_a_declared_gb2312_charset_is_honoured():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>云岭中院宣判一起合同纠纷案件</title></head><body>"
        "<h1>云岭中院宣判一起合同纠纷案件</h1><div>信息来源：云岭法院 点击数：56</div>"
        "<p>3月5日，云岭市中级人民法院对一起合同纠纷案件进行公开宣判，当事人当庭表示服判息诉。</p>"
        "<p>据介绍，该院今年以来持续推进诉源治理，诉前调解成功的案件数量同比上升三成。</p>"
        "</body></html>"
    ).encode("gb2312")

    parsed = parse_bytes(page, name="gb2312.html")

    assert parsed.title == "云岭中院宣判一起合同纠纷案件"
    assert parsed.source_name == "云岭法院"
    assert "点击数" not in parsed.body_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年05月07日 09:30", at(2024, 5, 7, 9, 30)),
        ("2024年5月7日9时30分", at(2024, 5, 7, 9, 30)),
        ("2024-05-07", at(2024, 5, 7)),
        ("2024/5/7 09:30:12", at(2024, 5, 7, 9, 30, 12)),
        ("2024-05-07T01:30:00Z", at(2024, 5, 7, 9, 30)),
        ("0001-01-01 00:00", None),
        ("no date here", None),
    ],
)
def test_times_keep_their_minutes(text, expected):
    assert find_datetime(text) == expected


def test_a_wechat_timestamp_is_a_time_not_a_date():
    assert from_timestamp("1715045400") == at(2024, 5, 7, 9, 30)
    assert from_timestamp("not a number") is None


def test_a_page_without_text_is_a_clear_error():
    with pytest.raises(ArticleImportError, match=gettext("No article text found after the title.")):
        parse_text("首页 | 新闻 | 法治\n云岭中院宣判一起合同纠纷案件\n版权所有 云岭法院\n")
