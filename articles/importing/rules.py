"""The importer's knowledge of Chinese news pages, as data.

Recognition (:mod:`articles.importing.lines`) reads a page line by line and asks these tables
what each line says; it never asks where a line sits in one known layout. A new layout is a
new row here (a label, a chrome shape), not a new branch in the code.

* :data:`LABELS`: metadata labels (``来源：``, ``责任编辑：``, ``记者`` …) and the field each one
  fills. Labels may come in any order and combination on one line, wrapped in ``【】``, ``()``
  or after a bullet (``■``).
* :data:`CHROME`: the shapes of site chrome (navigation, login, share, QR and app promotions,
  counters, font-size controls, prev/next links, ICP and copyright lines), wherever they are.
* :data:`END_OF_BODY`: lines after which no article text follows (related articles, comments,
  disclaimers, the site's footer).
"""

import re

#: Han characters (CJK unified ideographs and their extensions in the BMP).
HAN = "\u3400-\u9fff\uf900-\ufaff"

# --- Metadata labels ------------------------------------------------------------------------
# field -> the labels that introduce it. ``None`` is a label whose value is dropped (the
# source site's own poster, counters, reviewers): recognised so that it does not end up in
# the body or in another field's value.
LABELS: dict[str | None, tuple[str, ...]] = {
    "published_at": (
        "发布时间", "发布日期", "发表时间", "发表日期", "发稿时间", "出版日期", "出版时间",
        "刊发日期", "刊发时间", "见报日期", "更新时间", "时间", "日期", "发布于", "发表于",
        "更新于", "Posted on",
        "Published", "Date",
    ),
    "source_name": (
        "信息来源", "稿件来源", "文章来源", "新闻来源", "来源", "来自", "出处", "原载", "转自",
        "刊载于", "Source",
    ),
    "byline": (
        "作者", "撰文", "撰稿", "文字", "文图", "图文", "文/图", "图/文", "文", "图", "图片",
        "摄影", "摄", "视频", "摄像", "制图",
        "记者", "通讯员", "评论员", "特约记者", "本报记者", "本刊记者", "本网记者", "本台记者",
        "见习记者", "实习记者", "本报通讯员", "本刊通讯员", "Author", "By",
    ),
    "author_unit": ("作者单位", "单位"),
    "source_editor": (
        "责任编辑", "编辑", "责编", "主编", "网络编辑", "值班编辑", "本版责编", "本版编辑",
        "本文编辑", "本文责编", "本期编辑", "本期责编", "本刊编辑", "Editor",
    ),
    "source_issue": ("版次", "版面", "期次", "刊期", "期号"),
    "keywords": ("关键词", "关键字", "标签", "Tags", "Keywords", "Key words"),
    "lead": ("导读", "内容提要", "提要", "摘要", "核心提示", "编者按"),
    "source_url": ("原文链接", "原文地址", "原文网址", "本文链接", "文章链接"),
    None: (
        "审核", "审校", "校对", "终审", "复审", "初审", "监制", "签发", "发布人", "发布者",
        "发布机构", "浏览次数", "浏览量", "浏览", "点击数", "点击量", "点击", "阅读量", "阅读数",
        "阅读次数", "阅读", "访问量", "人气", "下载量", "下载次数", "被引量", "字体", "字号", "IP",
        "Abstract", "分享到", "分享", "打印", "基金项目", "收稿日期", "修回日期", "作者简介",
        "中图分类号", "文献标识码", "文章编号", "DOI", "引用格式", "IP属地", "分类", "栏目",
        "所属栏目", "所属分类", "频道",
    ),
}  # fmt: skip

#: Other spellings of a label, read as the label itself (``文/图 张三`` is ``文图 张三``).
LABEL_SPELLINGS = ((re.compile(r"(?<![\u3400-\u9fff])文\s*/\s*图(?=\s)"), "文图"),
                   (re.compile(r"(?<![\u3400-\u9fff])图\s*/\s*文(?=\s)"), "图文"))  # fmt: skip
#: An e-paper's masthead (``某某法治报数字报``): the newspaper is the source publication.
EPAPER_MASTHEAD = re.compile(
    r"^(?P<name>[\u3400-\u9fff]{2,12}报)\s*(?:数字报|电子报|电子版|数字版)$"
)

#: Labels whose value is the rest of the line, however long (a lead, a keyword list).
LONG_VALUE_FIELDS = ("lead", "keywords")

#: Labels that may be followed by a space only (``记者 张三``, ``文 张三``) rather than by a
#: colon or a bar; only on short lines without sentence punctuation.
SPACE_SEPARATED = frozenset(
    label
    for label in LABELS["byline"]
    if label not in {"Author", "By", "图", "摄", "图片", "视频", "摄像", "制图"}
)

#: Bullets and brackets that wrap metadata: ``■ 本报记者…``, ``【来源：…】``, ``（责任编辑：…）``.
BULLETS = "■□●○◆◇▲△▶►★☆•▪·＊*"
BRACKET_PAIRS = ("【】", "[]", "［］", "（）", "()", "〔〕", "〖〗")

#: Separators between a label and its value.
LABEL_SEPARATOR = r"\s*(?:[:：]|[|｜/／]|丨)\s*"

#: A date line that needs no label: ``2024-06-18 15:42``, ``2024年5月7日 09:30``.
DATE = (
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:[\sT]*\d{1,2}\s*[:：时]\s*\d{1,2}\s*分?(?:\s*[:：]\s*\d{1,2}\s*秒?)?)?"
)

#: An issue of a periodical, ``《某某法学》2024年第3期`` / ``2024年第3期`` / ``第03版``.
PERIODICAL_ISSUE = re.compile(
    r"(?:《(?P<name>[^》]{1,40})》\s*(?:杂志|期刊|月刊|半月刊|旬刊|周刊)?\s*)?"
    r"(?P<issue>(?:19|20)\d{2}\s*年\s*第\s*\d{1,3}\s*期|第\s*[A-Za-z]?\d{1,3}\s*版)"
)
#: A cumulative issue number of the same periodical (``总第362期``): not the citable issue.
CUMULATIVE_ISSUE = re.compile(r"^.{0,40}总第\s*\d+\s*期$")

#: Counters and reactions (``阅读 5.6万``, ``点赞 128``, ``浏览次数：56``): the source site's
#: figures, never ours to show.
COUNTER = re.compile(
    r"(?<![A-Za-z\u3400-\u9fff])(?:浏览次数|浏览量|浏览|点击数|点击量|点击|阅读量|阅读数|阅读次数|"
    r"阅读|访问量|人气|点赞|评论|转发|收藏|在看|赞)\s*[:：]?\s*\d[\d,.]*\s*[万千wWkK]?\s*[次人]?"
)
#: Where a page offers to share itself (微信 微博 QQ空间), after its metadata.
SHARE_TARGETS = re.compile(
    r"(?<![\u3400-\u9fff])(?:微信|微博|QQ空间|QQ|朋友圈|复制链接|豆瓣|抖音)(?![\u3400-\u9fff])"
)
#: Font-size controls: 【大】【中】【小】, [ 大 中 小 ].
FONT_SIZE_CONTROLS = re.compile(
    r"(?:[【\[]\s*[大中小]\s*[】\]]\s*){2,3}|[【\[]\s*大\s*中\s*小\s*[】\]]"
)
#: A bar of reactions and their counts under an article (``点赞 128 评论 42 转发``).
REACTIONS = re.compile(
    r"^(?:(?:点赞|评论|转发|收藏|分享|在看|赞|阅读|浏览|写评论|举报)\s*[:：]?\s*[\d,.]*\s*[万千]?\s*)+$"
)

# --- Chrome ---------------------------------------------------------------------------------
#: Longest line that chrome can be; longer lines are text, whatever words they contain.
CHROME_MAX_CHARS = 60

#: Separators of the items of a navigation line or breadcrumb.
NAV_SEPARATOR = re.compile(r"\s*(?:\||｜|>>|»|›|>|＞|→|/|·|丨)\s*|\s{2,}")
#: A navigation line has at least this many items, each at most NAV_ITEM_MAX_CHARS long.
NAV_MIN_ITEMS = 3
NAV_ITEM_MAX_CHARS = 8

#: Shapes of chrome lines, searched in a line of at most CHROME_MAX_CHARS characters.
CHROME = re.compile(
    "|".join(
        [
            # where you are: breadcrumbs
            r"^(?:您现在的位置|您的位置|当前位置|所在位置|现在位置|位置)\s*[:：]",
            r"^首页\s*(?:>|»|›|＞|>>|\|)",
            # accounts, search, site tools
            r"登录|注册|退出|忘记密码|设为首页|加为首页|加入收藏|收藏本站|收藏本文|网站地图|"
            r"站内搜索|^搜索|^高级搜索|下载PDF|PDF下载|PDF版|^引用本文$|导出RIS|BibTeX|上一版|下一版|无障碍|长者模式|简体版|繁體|^English$|联系我们|关于我们|"
            r"返回首页|返回顶部|回到顶部|返回列表|打印本[页文]|打印文章|关闭窗口|关闭本页|"
            r"^[【\[]?(?:打印|关闭|收藏|纠错|推荐|分享|返回)[】\]]?$",
            # share, QR codes, apps, social accounts
            r"分享到|分享至|一键分享|扫一扫|扫码|扫描二维码|二维码|APP\s*下载|下载\s*APP|"
            r"客户端|手机版|手机WAP|WAP版|微信公众号|微信小程序|官方微博|官方微信|关注我们|"
            r"微信扫一扫|长按识别|识别二维码|预览时标签不可点|关注该公众号|阅读原文|"
            r"继续滑动看下一个|向上滑动看下一个|轻触阅读原文|在小说阅读器|知道了|"
            r"^(?:赞|在看|分享|留言|写留言|取消|允许|视频|小程序|喜欢此内容的人还喜欢)$",
            r"^[+＋]?\s*关注$|^已关注$|^举报\s*/\s*反馈$|^原创$|^微信号|^功能介绍",
            r"^(?:发表于|发布于|IP属地\s*[:：]?)\s*[\u3400-\u9fff]{2,3}$",
            # counters, font size, date of today
            r"^(?:点击|浏览|阅读|访问)(?:数|量|次数)?\s*[:：]?\s*\d*\s*次?$",
            r"(?:字体|字号)\s*[:：]?\s*(?:[【\[]?\s*[大中小]\s*[大中小]|A\s*[+＋-])|A\s*[+＋]\s*A\s*[-－]|"
            r"^[【\[]?\s*大\s*中\s*小\s*[】\]]?$|放大字体|缩小字体|^A\s*[+＋]|[【\[]\s*[大中小]\s*[】\]]|"
            r"[【\[]\s*大\s*中\s*小\s*[】\]]",
            r"今天是|星期[一二三四五六日天]\s*$|^\d{4}年\d{1,2}月\d{1,2}日\s*星期",
            # prev / next
            r"^\W*(?:上一篇|下一篇|上一条|下一条|上一页|下一页|上篇|下篇)",
            # copyright, ICP, operators of the site
            r"ICP\s*[备证]|公网安备|网安备|版权所有|Copyright|All\s+rights\s+reserved|©|"
            r"主办单位|承办单位|主办\s*[:：]|承办\s*[:：]|技术支持|维护单位|建议使用|分辨率|"
            r"违法和不良信息|举报电话|举报邮箱|非法信息举报|^删稿$|违规举报",
            # comments and reactions
            r"^\d*\s*条?(?:相关)?评论\s*\d*$|^发表评论|^网友评论|^我要评论|^评论\s*[(（]?\d*[)）]?$|"
            r"^(?:打赏|点赞|收藏|转发)\s*\d*$|^[(（【\[]?\s*完\s*[)）】\]]?$|^[-—]*\s*END\s*[-—]*$",
            # gallery controls of the DESTOON-style portals
            r"滑动查看.{0,4}张图片|^全国\s*\[切换\]$",
            REACTIONS.pattern,
            rf"^(?:(?:{COUNTER.pattern})\s*)+$",
            r"^(?:写评论|热门评论|最新评论|全部评论|精彩评论)",
            r"打开\s*APP|APP\s*内(?:打开|阅读)|在\s*APP\s*中|^下载客户端",
        ]
    ),
    re.IGNORECASE,
)

# --- End of the article ---------------------------------------------------------------------
#: After the body has started, the first of these lines ends it: what follows belongs to the
#: site (related articles, comments, disclaimers, footer).
#: Lists the site puts after an article (related articles, prev/next, comments): no
#: metadata of this article follows them.
AFTER_ARTICLE = re.compile(
    "|".join(
        [
            r"^(?:相关|推荐|延伸|热门|热点|最新|更多|往期|精彩|猜你)"
            r"(?:阅读|新闻|文章|链接|推荐|资讯|报道|回顾|专题|喜欢|图片|视频)",
            r"^\W*(?:上一篇|下一篇|上一条|下一条|上篇|下篇)",
            r"^\d*\s*条?(?:相关)?评论|^发表评论|^网友评论|^我要评论|^写评论|^发表回复",
            r"^(?:热门|最新|全部|精彩)评论",
        ]
    ),
    re.IGNORECASE,
)
END_OF_BODY = re.compile(
    "|".join(
        [
            AFTER_ARTICLE.pattern,
            r"^(?:免责声明|责任声明|版权声明|特别声明|郑重声明|本站声明|声明)\s*[:：]?",
            r"^(?:引用本文|本文引用格式|引用格式)",
            REACTIONS.pattern,
            r"^(?:打赏|分享到|分享至|打印本页|关闭窗口)",
            r"^[(（]\s*文\s*/",  # the reposting member's signature line of DESTOON portals
            r"ICP\s*[备证]|版权所有|Copyright|All\s+rights\s+reserved|©",
            r"版权归.{0,8}所有|如有侵权|侵删|仅供学习交流|仅供参考学习",
            r"预览时标签不可点|^阅读原文$|微信扫一扫",
        ]
    ),
    re.IGNORECASE,
)

# --- Text shapes ----------------------------------------------------------------------------
#: Characters that end a sentence; a line ending with one is a paragraph, not a title.
SENTENCE_END = "。！？!?；;…"
#: Longest line that can be a title or a section heading, in characters.
TITLE_MAX_CHARS = 80
HEADING_MAX_CHARS = 30
#: A subtitle line starts with a dash (``——记……``).
SUBTITLE = re.compile(r"^(?:——|──|－－|--|—\s)")
#: A site's or publication's name on a line of its own (某某法院网, 某某法治报, 某某客户端):
#: never an article's title.
SITE_NAME = re.compile(
    r"^[\u3400-\u9fffA-Za-z]{2,12}(?:网|在线|客户端|报|日报|晚报|数字报|电子报|周刊|杂志|公众号|融媒体?)$"
)
#: Site names that browsers or CMSs append to a declared ``<title>``.
TITLE_SUFFIX_SEPARATOR = re.compile(r"\s+[-–—|｜_]\s*|\s*[|｜_]\s*|\s*-{1,2}\s*|\s+——")
#: ``本报讯（记者 张三 通讯员 李四）`` at the start of a first paragraph.
DATELINE_BYLINE = re.compile(r"^[^\s，。]{0,12}讯\s*[(（](?P<people>[^)）]{2,40})[)）]")
