#!/usr/bin/python3
"""Writes the corpus of bench/corpus/run.sh (issue 25) into OUTDIR: one
playlist per slide and the picture (drawn here with PIL, never committed).
Usage: make.py OUTDIR. Prints one line per slide: NAME PLAYLIST WxH.
All text below was written for this benchmark; the long article (10,000+
characters) is assembled from the sentence pool in a fixed, varying order
(see docs/bench-corpus.md: the pool repeats, the glyph set stays that of a
real article of its size)."""
import json
import os
import sys

from PIL import Image, ImageDraw

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

TITLE = "城西图书馆改造完工：夜间自习区、儿童绘本角和社区修理站同步开放"
SUMMARY = ("历时十个月的城西图书馆改造工程本周完工。新馆增加了三百个阅览座位，"
           "夜间自习区开放到二十二点，一楼新设的社区修理站每周六免费为居民修理小家电。")
PARAS = [
    "周一早上八点半，图书馆门口已经排起了二十多人的队伍。退休工人老孙说，他从开馆那年起就在这里看报纸，改造期间只能去三公里外的分馆，“现在回来了，座位多了，灯也亮了”。",
    "这次改造保留了原有的砖混主体结构，拆除了后来加建的隔墙，把二楼原本分散的五个小阅览室打通成一个大空间。设计单位在屋顶增设了天窗，白天大部分区域不需要开灯。",
    "新设的夜间自习区",
    "最受年轻人欢迎的是三楼的夜间自习区。这里有一百二十个座位，每个座位配有插座和阅读灯，开放时间延长到晚上十点。馆方统计，开放第一周平均每晚有九十多人使用，其中一半是准备考试的学生。",
    "为了保证夜间安全，图书馆在出入口加装了门禁，晚上七点以后凭读者证刷卡进入，值班人员每小时巡查一次。周边两条公交线路也相应调整了末班车时间。",
    "孩子们的新角落",
    "一楼东侧的儿童绘本角铺上了软木地板，书架高度降到一米二，孩子伸手就能拿到书。每周三和周日下午，志愿者会在这里讲故事，家长可以在旁边的亲子区陪读。",
    "馆长介绍，绘本角的四千多册图书中，有一千二百册是今年新采购的，另有六百册来自居民捐赠。捐赠的图书经过消毒和分类后上架，每本书的扉页上都写着捐赠人的名字。",
    "修理站和旧物交换",
    "一楼西侧的社区修理站是这次改造中新增的功能。每周六上午，五名退休的电工和钳工在这里免费修理台灯、收音机、电风扇等小家电，居民只需要负担更换零件的费用。开放三周以来，已经修好了一百四十多件物品。",
    "修理站旁边还有一面旧物交换墙，居民可以把闲置的书籍、玩具和文具放在这里，换走自己需要的东西。馆方说，这样做既减少了浪费，也让更多人愿意走进图书馆。",
    "接下来，图书馆计划在每月第一个周六举办读者座谈会，听取大家对开放时间、图书采购和活动安排的意见，并在官方网站上公开每月的借阅数据。",
]
POOL = [
    "清晨的阅览室里只有翻书的声音，窗外的梧桐树影落在长桌上。",
    "馆员把新到的期刊按日期排好，顺手擦去了书架顶上的灰尘。",
    "一位母亲带着两个孩子在绘本角坐下，轻声读起了关于月亮的故事。",
    "自习区的座位在开门后二十分钟内就坐满了大半，后来的人只能在走廊的长椅上等候。",
    "修理站的老师傅戴上老花镜，用万用表一点一点地查找收音机的故障。",
    "馆方在每层楼梯口放置了饮水机和雨伞架，方便读者在雨天进出。",
    "社区居委会把每月一次的居民议事会搬到了图书馆二楼的会议室。",
    "有读者建议增加外文原版书，馆方表示会在下一批采购中考虑。",
    "借阅数据显示，改造后第一个月的借阅量比去年同期增长了百分之三十七。",
    "最受欢迎的三类图书分别是历史、烹饪和少儿科普，小说的借阅量也有明显回升。",
    "一楼大厅的电子屏每天滚动播放新书推荐和活动预告，字号比以前大了一倍。",
    "不少老年读者说，新装的电梯和扶手让他们上楼看书不再吃力。",
    "周末的讲座需要提前在公众号上预约，名额常常在半小时内被抢光。",
    "图书馆与附近的三所小学签订了合作协议，每学期组织学生参观和借阅。",
    "夜里九点半，自习区的灯光依旧明亮，值班员开始提醒大家整理物品。",
    "馆员们利用闭馆日对全部图书进行了盘点，找回了二百多册放错位置的书。",
    "一位读者在留言簿上写道：这里是城里最安静、也最温暖的地方。",
    "屋顶的天窗使用了隔热玻璃，夏天室内温度比改造前低了三到四度。",
    "地下室被改造成了档案室，收藏着这座城区七十年来的地方报纸。",
    "志愿者团队现在有八十多名成员，年龄最小的是一名高一学生。",
    "馆方计划明年在阅览室增设十台电脑，供没有网络的居民查询资料和办理业务。",
    "修理站的墙上贴着一张表格，记录着每一件修好的物品和它的主人。",
    "旧物交换墙上最常见的是童书和玩具，也有人放上了自己织的围巾。",
    "有家长说，孩子现在每个周末都吵着要来图书馆，比去游乐场还积极。",
    "改造工程共投入资金一千八百万元，其中三成来自市级公共文化专项资金。",
    "施工期间，分馆延长了开放时间，并提供了免费的图书转借服务。",
    "读者座谈会上，大家讨论最多的是停车位不足和周一闭馆的问题。",
    "馆长表示，将与街道协商，把附近一处空地改造成临时停车场。",
    "每月第一个周日，图书馆会举办一次旧书义卖，所得款项用于购买新书。",
    "一个读书会在二楼的小会议室里每周聚会一次，已经坚持了六年。",
]


def long_article():
    paras, n, k = [], 0, 0
    while n < 10400:
        sents = [POOL[(k * 7 + j * 11) % len(POOL)] for j in range(5 + k % 4)]
        p = f"第{k + 1}段记录：" + "".join(sents)
        paras.append(p)
        n += len(p)
        k += 1
        if k % 6 == 0:
            paras.append(f"第{k // 6}部分小结")
    return paras


def news(name, paras, theme, image=None, summary=SUMMARY):
    art = {"title": TITLE, "source": "城西街道融媒体中心", "published": 1776585600, "summary": summary,
           "paragraphs": paras}
    if image:
        art["image"] = image
    return {"id": name, "type": "news", "duration": "60s", "page_duration": "10s", "article": art,
            "theme": theme}


SOLID_LIGHT = {"base": "light", "background": "#F7F5F0", "background2": "#F7F5F0"}
SOLID_DARK = {"base": "dark", "background": "#10141C", "background2": "#10141C"}
slides = [
    ("short-gradient", news("short-gradient", PARAS[:2], "dark"), "1920x1080"),
    ("short-solid", news("short-solid", PARAS[:2], SOLID_LIGHT), "1920x1080"),
    ("long-10k", news("long-10k", long_article(), "red-gold"), "1920x1080"),
    ("picture", news("picture", PARAS[:4], "light", image="picture.png"), "1920x1080"),
    ("kpi-tiles", {"id": "kpi-tiles", "type": "kpi", "duration": "15s", "title": "城西图书馆本月运行数据",
                   "theme": SOLID_DARK, "tiles": [
                       {"label": "到馆人次", "value": 48210, "previous": 35120, "unit": "人次", "target": 60000},
                       {"label": "图书借阅", "value": 16984, "previous": 12395, "unit": "册"},
                       {"label": "夜间自习", "value": 2731, "unit": "人次", "target": 3600},
                       {"label": "修理物品", "value": 142, "previous": 0, "unit": "件"},
                       {"label": "座位使用率", "value": 86.4, "format": "percent", "previous": 71.9},
                       {"label": "新书上架", "value": 1200, "unit": "册", "target": 2000}]}, "1920x1080"),
    ("couplet", {"id": "couplet", "type": "slogan", "duration": "12s", "vertical": True, "theme": "red-gold",
                 "lines": ["书山有路灯长明", "学海无涯舟自渡"], "banner": "开卷有益",
                 "subtitle": "城西图书馆新馆开放 欢迎读者"}, "1920x1080"),
    ("portrait", news("portrait", PARAS[:6], "dark"), "1080x1920"),
    ("full-1080p", news("full-1080p", PARAS, "light"), "1920x1080"),
    ("full-4k", news("full-4k", PARAS, "light"), "3840x2160"),
]

# The picture: a 1600x1000 drawing with gradients, shapes and noise-free edges.
img = Image.new("RGB", (1600, 1000))
d = ImageDraw.Draw(img)
for y in range(1000):
    d.line([(0, y), (1600, y)], fill=(40 + y // 8, 90 + y // 12, 160 - y // 10))
for i in range(40):
    x, y = (i * 397) % 1500, (i * 229) % 900
    d.ellipse([x, y, x + 60 + i * 3, y + 60 + i * 2], fill=((i * 53) % 256, (i * 97) % 256, (i * 31) % 256))
d.rectangle([200, 600, 1400, 980], fill=(235, 225, 200))
img.save(os.path.join(out, "picture.png"))

for name, slide, size in slides:
    pl = {"version": 1, "name": f"bench corpus: {name}", "theme": "dark", "slides": [slide]}
    path = os.path.join(out, f"{name}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(pl, f, ensure_ascii=False, indent=1)
    print(name, path, size)
