"""Demo content for a fresh site: categories, articles, image galleries and an admin user.

``manage.py load_demo_content`` is a thin wrapper around :func:`load_demo_content`; ``make run``
calls it with ``--if-empty`` on every start. All texts below were written for this demo: the
courts, people, books and figures are fictional (each body ends with a note saying so), the
poster IP addresses come from the documentation ranges (RFC 5737 ``203.0.113.0/24`` and
``198.51.100.0/24``, RFC 3849 ``2001:db8::/32``), and the images are drawn with Pillow, so
nothing is downloaded.

Idempotency: categories are keyed by slug and articles by the slug of their title. A demo
article whose slug already exists is left alone entirely (no new images, tags or counts), so
running the loader twice never duplicates anything and never overwrites an editor's changes.
"""

import io
import os
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import services
from .models import Article, ArticleImage, Category, make_slug

ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@example.com"
#: File (under ``settings.VAR_DIR``) that receives the generated admin password, mode 600.
ADMIN_LOGIN_FILENAME = "demo-admin-password"
IMAGE_SIZE = (1200, 800)
#: Trailing paragraph of every demo body.
DEMO_NOTE = "<p>（演示内容：本文人物、单位和事例均为虚构，如有雷同纯属巧合。）</p>"


@dataclass(frozen=True)
class DemoCategory:
    """A category of the demo tree; ``parent`` is the slug of an earlier entry."""

    slug: str
    name: str
    position: int
    description: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class DemoGallery:
    """Images generated for one article: a two-colour gradient and one caption per image."""

    colors: tuple[tuple[int, int, int], tuple[int, int, int]]
    color_name: str
    captions: tuple[str, ...]


@dataclass(frozen=True)
class DemoArticle:
    """One demo article.

    ``publish_in`` is relative to the time of loading: negative for an article published in
    the past, positive for one scheduled for the future, ``None`` for a draft.
    ``source_lead_time`` is how long before (re)publication here the source published it.
    ``source_issue`` may use ``{year}``, ``{month}``, ``{day}`` and ``{issue}`` (the issue
    number of a twice-monthly magazine), filled from ``original_published_at``.
    """

    key: str  # ASCII; names the image files and seeds their shapes
    title: str
    category: str
    tags: tuple[str, ...]
    lead: str
    byline: str
    body: str
    source_name: str
    source_issue: str
    source_editor: str
    poster_nickname: str
    poster_ip: str
    publish_in: timedelta | None
    source_lead_time: timedelta
    view_count: int = 0
    gallery: DemoGallery | None = None


CATEGORIES = (
    DemoCategory("hangye", "行业新闻", 1, "法院系统和法律行业的新闻动态。"),
    DemoCategory("redian", "热点新闻", 1, "社会关注的司法热点。", parent="hangye"),
    DemoCategory("fayuan", "法院动态", 2, "各地法院的工作动态。", parent="hangye"),
    DemoCategory("shenpan", "审判研究", 2, "审判实务、理论探讨与书评。"),
    DemoCategory("pufa", "普法园地", 3, "以案说法，讲给普通读者听。"),
)

ARTICLES = (
    DemoArticle(
        key="yuanzhang-luntan",
        title="院长论坛｜把功夫下在诉前：基层矛盾化解的三点体会",
        category="shenpan",
        tags=("诉源治理", "司法改革", "院长论坛"),
        lead=(
            "诉讼是解决纠纷的最后一道防线，而不是第一道关口。作者结合望川市两级法院近年的"
            "探索，谈如何让更多纠纷在进入法院之前得到化解。"
        ),
        byline="文 | 望川市中级人民法院院长 陈某",
        body="""
<p>近几年，我们在调研中发现一个现象：不少案件标的不大、事实也不复杂，却在立案、审理、执行
几个环节里反复拉锯，当事人耗时耗力，法院也疲于应对。追根溯源，很多纠纷本可以在萌芽阶段就得到化解。</p>
<h2>一、把解纷资源摆到群众身边</h2>
<p>我们在全市乡镇（街道）设立诉讼服务站，邀请人民调解员、行业调解组织和律师轮流值班。群众遇到
邻里、婚姻家庭、小额借贷等纠纷，不必先到法院排队立案，在家门口就能找到调解员。</p>
<h2>二、让调解与诉讼顺畅衔接</h2>
<p>调解不是“和稀泥”。调解成功的，及时进行司法确认，赋予调解协议强制执行力；调解不成的，
已经固定的证据和无争议事实直接转入诉讼程序，当事人不必“从头再来”。</p>
<h3>一个小案例</h3>
<p>某村两户村民因宅基地边界发生争执，矛盾一度激化。驻村法官联合村调委会三次上门，现场测量、
对照档案，最终促成双方签订协议并申请司法确认，前后不到二十天。</p>
<h2>三、用数据倒逼工作改进</h2>
<p>我们每月分析各基层法院的新收案件结构，对某类纠纷集中增长的地区，向当地党委政府和行业主管部门
发送司法建议，推动从源头上堵塞管理漏洞。诉源治理既要“治已病”，更要“治未病”。</p>
""",
        source_name="望川审判",
        source_issue="{year}年第{issue}期",
        source_editor="周某",
        poster_nickname="16e2f9ab",
        poster_ip="203.0.113.17",
        publish_in=-timedelta(days=1, hours=3),
        source_lead_time=timedelta(days=6),
        view_count=1830,
    ),
    DemoArticle(
        key="xunhui-shenpan",
        title="青禾县法院巡回审判进茶山 就地化解一起土地流转纠纷",
        category="fayuan",
        tags=("基层法院", "巡回审判", "诉源治理"),
        lead=(
            "青禾县人民法院把流动法庭开进茶园，当场审结一起土地经营权流转合同纠纷，"
            "百余名茶农现场旁听。"
        ),
        byline="文 | 青禾县人民法院 林某　图 | 赵某",
        body="""
<p>一个工作日的上午，青禾县人民法院的巡回审判车停在了云雾村的茶园边。一张折叠桌、几把椅子、
一面国徽，一个临时法庭就这样搭了起来。</p>
<h2>案情：流转合同到期后的“旧账”</h2>
<p>原告是村里的茶叶种植合作社，被告是早年将承包地流转给合作社的六户村民。合同到期后，双方就
茶树补偿款和最后一年的流转费用各执一词，多次协商未果。</p>
<h2>庭审：把法理讲在田间地头</h2>
<p>庭审中，承办法官围绕合同约定、茶树的种植投入和现存价值等争议焦点逐一询问，并请当地农技站
工作人员说明茶树的折旧情况。旁听的村民不时点头：“这么一讲，心里就有数了。”</p>
<p>经过两个多小时的庭审和调解，双方当场达成协议：合作社按约定标准支付补偿款，村民配合完成
土地交还手续。</p>
<h3>法官说法</h3>
<p>承办法官表示，土地流转合同期限长、涉及户数多，签约时应对到期后地上附着物的处理作出明确约定，
避免日后产生争议。</p>
""",
        source_name="青禾法院（微信公众号）",
        source_issue="{year}年{month}月{day}日推送",
        source_editor="孙某",
        poster_nickname="a93c07d5",
        poster_ip="198.51.100.42",
        publish_in=-timedelta(days=3, hours=5),
        source_lead_time=timedelta(days=1, hours=4),
        view_count=642,
        gallery=DemoGallery(
            colors=((24, 84, 56), (170, 214, 140)),
            color_name="青绿",
            captions=(
                "巡回审判车抵达茶园",
                "临时法庭现场",
                "村民旁听庭审",
                "法官向村民释法说理",
            ),
        ),
    ),
    DemoArticle(
        key="yingshang-huanjing",
        title="望川中院发布服务保障法治化营商环境十项举措",
        category="redian",
        tags=("营商环境", "司法改革", "执行工作"),
        lead=(
            "聚焦涉企纠纷审理周期长、执行影响经营等问题，望川市中级人民法院推出十项具体举措，"
            "并承诺定期公开落实情况。"
        ),
        byline="本报记者 许某　通讯员 何某",
        body="""
<p>望川市中级人民法院日前召开新闻发布会，发布服务保障法治化营商环境的十项举措，涵盖立案、
审判、执行和诉讼服务等环节。</p>
<h2>压缩审理周期</h2>
<p>举措提出，对事实清楚、争议不大的买卖合同、服务合同等商事案件，依法适用小额诉讼和简易程序，
力争在立案后三十日内审结；对涉及中小微企业的欠款纠纷，设立专门合议庭集中审理。</p>
<h2>善意文明执行</h2>
<p>执行中区分“失信”与“失能”，对暂时经营困难但有发展前景的企业，依法采取“活封活扣”等方式，
尽量减少对正常生产经营的影响；对已经履行完毕的被执行人，及时删除失信信息。</p>
<h2>畅通沟通渠道</h2>
<p>该院还将与工商联、行业协会建立常态化联络机制，每季度走访一次重点园区，收集企业对审判执行
工作的意见建议。</p>
<p>该院负责人表示，各项举措的落实情况将每半年向社会公开一次，接受企业和公众监督。</p>
""",
        source_name="青禾法治报",
        source_issue="{year}年{month}月{day}日第四版",
        source_editor="刘某",
        poster_nickname="5bd1e8f2",
        poster_ip="2001:db8::15",
        publish_in=-timedelta(days=6, hours=2),
        source_lead_time=timedelta(days=2),
        view_count=2275,
        gallery=DemoGallery(
            colors=((28, 44, 104), (150, 124, 204)),
            color_name="蓝紫",
            captions=("新闻发布会现场", "十项举措展板", "企业代表现场提问"),
        ),
    ),
    DemoArticle(
        key="fazhi-diyike",
        title="法官走进校园 给孩子们上一堂“法治第一课”",
        category="pufa",
        tags=("未成年人保护", "普法宣传", "基层法院"),
        lead=(
            "从校园欺凌到网络安全，澜水区人民法院少年审判庭的法官用身边的案例，"
            "和初一学生聊了聊“保护自己”这件事。"
        ),
        byline="文 | 澜水区人民法院 吴某",
        body="""
<p>“如果同学在班级群里发了你的丑照，还配上难听的话，你会怎么办？”课堂一开始，法官抛出的问题
就让台下的学生们议论纷纷。</p>
<h2>从身边的事讲起</h2>
<p>这堂课没有照本宣科。法官选了几个改编自审判实践的案例：有学生因为一句玩笑话被孤立，有孩子在
游戏中被诱导充值，也有人把陌生网友约到了校外。每讲完一个案例，法官都请学生们先说说自己的看法。</p>
<h2>告诉孩子“可以求助”</h2>
<p>法官提醒，遇到欺凌不要默默忍受，要及时告诉老师和家长；在网上遭遇侮辱、威胁，可以截图保存证据。
未成年人保护法规定了家庭、学校和网络平台的保护责任，孩子们并不是孤立无援的。</p>
<h3>课后的小问卷</h3>
<p>课后，学校收回了三百多份问卷。不少学生写道，原来“开玩笑”也可能伤害别人，以后发消息之前要
多想一想。</p>
<p>据了解，该院已与辖区二十余所中小学建立法治副校长联系机制，计划每学期至少开展一次进校园活动。</p>
""",
        source_name="澜水法院（微信公众号）",
        source_issue="{year}年{month}月{day}日推送",
        source_editor="郑某",
        poster_nickname="c4720a9e",
        poster_ip="203.0.113.88",
        publish_in=-timedelta(days=10, hours=4),
        source_lead_time=timedelta(days=1),
        view_count=415,
        gallery=DemoGallery(
            colors=((140, 44, 28), (250, 192, 96)),
            color_name="橙红",
            captions=(
                "法官在课堂上提问",
                "学生分组讨论案例",
                "法官讲解未成年人保护法",
                "学生填写课后问卷",
                "课后师生合影",
            ),
        ),
    ),
    DemoArticle(
        key="shuping-zhaji",
        title="书评｜在具体案件里看见规则——读《基层法官办案札记》",
        category="shenpan",
        tags=("书评", "审判研究", "基层法院"),
        lead=(
            "这本由一位基层法官写成的札记没有宏大的理论，却把“案结事了”四个字拆解成了"
            "一个个具体的选择。"
        ),
        byline="文 | 望川市中级人民法院研究室 马某",
        body="""
<p>《基层法官办案札记》收录了作者在派出法庭工作十余年间写下的六十余篇短文。每篇从一件具体的
案子讲起，篇幅不长，读起来却并不轻松。</p>
<h2>“小案”里的大道理</h2>
<p>书中记录的多是赡养、相邻关系、小额欠款这样的“小案”。作者并不回避办案中的犹豫：证据不足时
如何分配举证责任，情与法冲突时怎样说理，判决之后如何回应当事人的不满。</p>
<h2>裁判文书的说理</h2>
<p>给我印象最深的，是作者对裁判文书说理的反复打磨。他主张判决书首先要让当事人看得懂，其次才是让
同行挑不出毛病。书中附有几份修改前后的文书对照，改动往往只有几句话，判决的逻辑却清楚了许多。</p>
<h3>可商榷之处</h3>
<p>札记的体例决定了本书重经验而轻体系，部分观点还需要更多实证材料支撑。但对刚走上审判岗位的
年轻法官来说，这样一本来自一线的书，或许比教科书更能回答“明天开庭该怎么办”。</p>
""",
        source_name="青禾法治报",
        source_issue="{year}年{month}月{day}日第七版",
        source_editor="钱某",
        poster_nickname="e08b3d61",
        poster_ip="198.51.100.7",
        publish_in=-timedelta(days=15, hours=6),
        source_lead_time=timedelta(days=3),
        view_count=97,
    ),
    DemoArticle(
        key="duoyuan-jiefen",
        title="全市法院推进一站式多元解纷 诉前调解成功率稳步提升",
        category="hangye",
        tags=("诉源治理", "多元解纷"),
        lead="望川市两级法院把诉前调解平台与基层治理网格对接，引导更多纠纷在诉前得到化解。",
        byline="文 | 望川市中级人民法院新闻办 韩某",
        body="""
<p>今年以来，望川市两级法院依托一站式多元解纷平台，共委派、委托诉前调解各类纠纷四千余件，
调解成功率较去年同期有所提高。</p>
<h2>平台对接网格</h2>
<p>各基层法院把诉前调解平台与街道、社区的网格化管理系统相连，网格员在走访中发现的矛盾纠纷可以
一键推送给驻点调解员，调解过程和结果实时回传，方便跟踪督办。</p>
<h2>特邀调解员队伍壮大</h2>
<p>全市法院新聘请了一批特邀调解员，既有退休法官、律师，也有熟悉物业、金融、医疗等领域的行业
专家。法院定期组织培训和案例研讨，提升调解的专业化水平。</p>
<h3>下一步</h3>
<p>该院有关负责人表示，下一步将加强对调解协议履行情况的回访，防止“调而不结”，让诉前调解成为
群众愿意选、信得过的解纷方式。</p>
""",
        source_name="望川中院（微信公众号）",
        source_issue="{year}年{month}月{day}日推送",
        source_editor="冯某",
        poster_nickname="7f5a2c90",
        poster_ip="2001:db8::2a",
        publish_in=-timedelta(days=20, hours=1),
        source_lead_time=timedelta(days=1, hours=2),
        view_count=1208,
    ),
    DemoArticle(
        key="faguan-jin-wangge",
        title="法官进网格：澜水区法院把司法服务送到家门口",
        category="fayuan",
        tags=("基层法院", "诉源治理", "基层治理"),
        lead="澜水区人民法院推行“一网格一法官”联系机制，法官定期走进社区，为居民答疑、排查纠纷。",
        byline="文 | 澜水区人民法院 杨某",
        body="""
<p>每周三下午，澜水区一个社区的党群服务中心里都会多出一张“法官接待桌”。前来咨询的居民有的
拿着租房合同，有的带着装修纠纷的聊天记录。</p>
<h2>一网格一法官</h2>
<p>澜水区人民法院把全院员额法官与辖区网格一一对应，每名法官联系若干社区，定期参加社区议事会，
了解居民关心的法律问题。</p>
<h2>问题在哪里，服务就跟到哪里</h2>
<p>针对老旧小区加装电梯、物业服务收费等多发纠纷，联系法官会同社区编写了通俗易懂的问答手册，
并在居民议事时到场讲解相关法律规定，帮助各方在协商中找到平衡点。</p>
<p>一位参加议事会的居民说，以前觉得法院离自己很远，现在有事可以先问问“网格法官”，心里踏实多了。</p>
""",
        source_name="澜水法院（微信公众号）",
        source_issue="{year}年{month}月{day}日推送",
        source_editor="郑某",
        poster_nickname="2d9e64b7",
        poster_ip="203.0.113.131",
        publish_in=-timedelta(days=26, hours=7),
        source_lead_time=timedelta(days=2, hours=3),
        view_count=356,
    ),
    DemoArticle(
        key="wuliyou-tuihuo",
        title="以案说法｜网购“七天无理由退货”，这些情形要注意",
        category="pufa",
        tags=("消费者权益", "以案说法", "普法宣传"),
        lead="并非所有商品都适用七天无理由退货。法官结合一起买卖合同纠纷，讲讲消费者和商家各自的权利义务。",
        byline="文 | 青禾县人民法院 周某",
        body="""
<p>消费者王某在某网店购买了一台按尺寸定制的书柜，收货后觉得颜色与图片不符，要求七天无理由退货，
遭到商家拒绝。双方协商未果，王某诉至法院。</p>
<h2>法院怎么看</h2>
<p>法院审理认为，依照消费者权益保护法的规定，网购商品一般可以七天无理由退货，但消费者定作的商品
等法定情形除外。本案书柜按王某提供的尺寸定制，不适用七天无理由退货。</p>
<p>同时，商家展示的商品图片与实物存在明显色差且未作提示。经法院主持调解，商家同意为王某更换与
描述相符的柜门，并承担往返运费。</p>
<h2>法官提醒</h2>
<h3>对消费者</h3>
<p>下单前仔细查看页面上的退换货说明；收货时当面验货，发现问题及时拍照留证。</p>
<h3>对商家</h3>
<p>对不适用无理由退货的商品，应当在页面显著位置提示，并如实描述商品的颜色、材质和尺寸。</p>
""",
        source_name="青禾法院（微信公众号）",
        source_issue="{year}年{month}月{day}日推送",
        source_editor="孙某",
        poster_nickname="b1c83f0e",
        poster_ip="198.51.100.203",
        # Scheduled: shows how a future publish time keeps an article off the site.
        publish_in=timedelta(days=3, hours=2),
        source_lead_time=timedelta(days=1),
    ),
    DemoArticle(
        key="zhichanquan-baipishu",
        title="知识产权审判白皮书即将发布 商标与著作权案件占比较高",
        category="redian",
        tags=("知识产权", "司法改革"),
        lead="（草稿，待核对数据）望川市中级人民法院将发布年度知识产权审判白皮书。",
        byline="文 | 望川市中级人民法院新闻办 韩某",
        body="""
<p>望川市中级人民法院将于近日发布年度知识产权审判白皮书，梳理一年来知识产权案件的受理和审理情况。</p>
<h2>案件结构</h2>
<p>从案件类型看，商标侵权和著作权侵权案件仍占多数，涉及短视频、网络直播的新类型案件有所增加。</p>
<h2>典型案例</h2>
<p>白皮书同时发布十件典型案例，涉及地理标志保护、软件著作权、商业秘密等领域。（待补充：案例摘要。）</p>
""",
        source_name="望川中院（微信公众号）",
        source_issue="{year}年{month}月{day}日推送",
        source_editor="冯某",
        poster_nickname="904ad7c3",
        poster_ip="203.0.113.54",
        publish_in=None,  # a draft: never shown to readers
        source_lead_time=timedelta(hours=6),
    ),
)


@dataclass
class DemoResult:
    """What one call of :func:`load_demo_content` did (counts of rows it created)."""

    password_file: Path
    skipped: bool = False
    existing_articles: int = 0
    categories: int = 0
    published: int = 0
    scheduled: int = 0
    drafts: int = 0
    images: int = 0
    tags: set[str] = field(default_factory=set)
    admin_created: bool = False
    admin_password: str | None = None

    @property
    def articles(self) -> int:
        """Number of articles created (published, scheduled and drafts)."""
        return self.published + self.scheduled + self.drafts

    def summary_lines(self) -> list[str]:
        """Human-readable report, one line per item, for the management command."""
        if self.skipped:
            lines = [
                f"Demo content not loaded: the database already has {self.existing_articles} "
                "article(s) (--if-empty)."
            ]
            if self.password_file.exists():
                lines.append(f"Demo admin password (as first generated): {self.password_file}")
            return lines
        lines = [
            f"Categories created: {self.categories}",
            f"Articles created: {self.articles} ({self.published} published, "
            f"{self.scheduled} scheduled, {self.drafts} draft)",
            f"Images created: {self.images}",
            f"Tags used: {len(self.tags)}",
        ]
        if self.articles == 0:
            lines.append("The demo articles were already there; nothing was duplicated.")
        if self.admin_created:
            lines.append(
                f"Admin login: username {ADMIN_USERNAME}  password {self.admin_password}  "
                f"(saved to {self.password_file}, mode 600)"
            )
        else:
            lines.append(
                f"Admin user '{ADMIN_USERNAME}' already exists; its password was left unchanged."
            )
        return lines


def admin_password_path() -> Path:
    """Where the demo admin password is written: ``<settings.VAR_DIR>/demo-admin-password``.

    Read from settings at call time, so a test can point ``VAR_DIR`` at a temporary folder.
    """
    return Path(settings.VAR_DIR) / ADMIN_LOGIN_FILENAME


def write_password_file(path: Path, password: str) -> None:
    """Write ``password`` and a newline to ``path`` with mode 600 (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(password + "\n")
    # os.open's mode only applies when the file is new; tighten an existing one too.
    path.chmod(0o600)


def render_image(
    number: int,
    total: int,
    colors: tuple[tuple[int, int, int], tuple[int, int, int]],
    seed: str,
    size: tuple[int, int] = IMAGE_SIZE,
) -> bytes:
    """A JPEG placeholder picture: a gradient with translucent shapes and ``FIG. n / total``.

    ``seed`` (any string) makes the shapes reproducible. Only ASCII text is drawn, with
    Pillow's built-in font, because no CJK font can be assumed to be installed. Returns the
    JPEG bytes (tens of kilobytes at 1200×800).
    """
    width, height = size
    rng = random.Random(f"{seed}-{number}")
    gradient = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270)))
    image = ImageOps.colorize(gradient.resize(size), black=colors[0], white=colors[1])
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(rng.randint(4, 7)):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randint(height // 12, height // 3)
        fill = (255, 255, 255, rng.randint(30, 80))
        if rng.random() < 0.5:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
        else:
            box = (x - radius, y - radius // 2, x + radius, y + radius // 2)
            draw.rounded_rectangle(box, radius=radius // 5, fill=fill)
    draw.rectangle((0, height - 160, width, height), fill=(0, 0, 0, 90))
    draw.text((60, height - 140), f"FIG. {number} / {total}", font=_font(72), fill="white")
    draw.text((64, height - 52), "NEWSROOM DEMO IMAGE", font=_font(28), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, optimize=True)
    return buffer.getvalue()


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow built without FreeType: small bitmap font
        return ImageFont.load_default()


def load_demo_content(*, if_empty: bool = False, now: datetime | None = None) -> DemoResult:
    """Create the demo categories, articles, images and admin user in one transaction.

    Args:
        if_empty: do nothing (``result.skipped``) when any article exists.
        now: the reference time for publish times (default: the current time).

    Publishing goes through :func:`articles.services.publish`. The admin password is written
    to :func:`admin_password_path` only after the transaction has committed; if anything
    fails, the database is rolled back and the image files already stored are deleted.
    """
    now = now or timezone.now()
    stored_files: list[tuple[object, str]] = []
    try:
        with transaction.atomic():
            # Checked inside the transaction (SQLite takes the write lock at BEGIN), so two
            # concurrent first starts cannot both load the demo.
            existing = Article.objects.count()
            if if_empty and existing:
                return DemoResult(admin_password_path(), skipped=True, existing_articles=existing)
            result = _create_all(now, stored_files)
    except BaseException:
        for storage, name in stored_files:
            storage.delete(name)
        raise
    if result.admin_password:
        write_password_file(result.password_file, result.admin_password)
    return result


def _create_all(now: datetime, stored_files: list) -> DemoResult:
    result = DemoResult(admin_password_path())
    admin, result.admin_password = _get_or_create_admin()
    result.admin_created = result.admin_password is not None
    categories = {}
    for spec in CATEGORIES:
        categories[spec.slug], created = Category.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "position": spec.position,
                "description": spec.description,
                "parent": categories.get(spec.parent),
            },
        )
        result.categories += created
    for spec in ARTICLES:
        if Article.objects.filter(slug=make_slug(spec.title)).exists():
            continue  # loaded before (maybe edited since): leave it alone
        _create_article(spec, categories[spec.category], admin, now, result, stored_files)
    return result


def _get_or_create_admin():
    """Return ``(user, password)``; ``password`` is None when the user already existed.

    An existing ``admin`` account is never modified (not its password, not its rights).
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    if user is not None:
        return user, None
    password = secrets.token_urlsafe(12)
    user = user_model.objects.create_superuser(ADMIN_USERNAME, ADMIN_EMAIL, password)
    return user, password


def _create_article(spec, category, poster, now, result, stored_files):
    publish_at = now + spec.publish_in if spec.publish_in is not None else None
    original = min(publish_at or now, now) - spec.source_lead_time
    local = timezone.localtime(original)
    article = Article.objects.create(
        title=spec.title,
        category=category,
        lead=spec.lead,
        byline=spec.byline,
        body=spec.body.strip().replace("\n", "") + DEMO_NOTE,
        source_name=spec.source_name,
        source_issue=spec.source_issue.format(
            year=local.year,
            month=local.month,
            day=local.day,
            issue=(local.month - 1) * 2 + (1 if local.day <= 15 else 2),
        ),
        source_editor=spec.source_editor,
        original_published_at=original,
        poster=poster,
        poster_nickname=spec.poster_nickname,
        poster_ip=spec.poster_ip,
    )
    article.tags.add(*spec.tags)
    result.tags.update(spec.tags)
    if publish_at is None:
        result.drafts += 1
    else:
        services.publish(article, at=publish_at)
        if publish_at > now:
            result.scheduled += 1
        else:
            result.published += 1
    if spec.view_count:
        # Demo data only: a plausible starting count written once, on creation. Real views
        # are counted by services.record_view() (F() + 1); nothing else sets view_count.
        Article.objects.filter(pk=article.pk).update(view_count=spec.view_count)
    if spec.gallery:
        _create_gallery(article, spec, result, stored_files)


def _create_gallery(article, spec, result, stored_files):
    gallery = spec.gallery
    total = len(gallery.captions)
    for number, caption in enumerate(gallery.captions, start=1):
        image = ArticleImage(
            article=article,
            caption=f"{caption}（演示配图）",
            alt_text=(
                f"演示配图：{gallery.color_name}渐变底色上的半透明圆形和圆角矩形，"
                f"标有 FIG. {number} / {total}"
            ),
            position=number,
        )
        data = render_image(number, total, gallery.colors, seed=spec.key)
        filename = f"demo-{spec.key}-{number}.jpg"
        image.image.save(filename, ContentFile(data, name=filename), save=False)
        stored_files.append((image.image.storage, image.image.name))
        image.save()  # also stores the display rendition
        stored_files.append((image.rendition.storage, image.rendition.name))
        result.images += 1
