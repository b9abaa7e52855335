#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Small hand-written documents that reach the interesting paths quickly; the
fuzzer grows its own corpus from them (tools/fuzz.sh keeps that in
build-fuzz/corpus/, not in the repository). Option bytes that a target reads
first (see the fuzz_*.cpp file comments) are prefixed here.
Run from anywhere: python3 tests/fuzz/make_corpus.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>要闻</title><link>http://example.test/</link>
<item><title>市政府召开常务会议 &amp; 部署&#x5DE5;作</title><link>/a/1.html</link>
<pubDate>Tue, 19 Apr 2022 08:30:00 +0800</pubDate>
<description><![CDATA[<p>第一段。<img src="/i/1.jpg"></p><p>第二段&nbsp;text</p>]]></description>
<enclosure url="/i/e.jpg" type="image/jpeg"/><media:thumbnail url="t.jpg"/></item>
<item><title>Second</title><guid>x</guid><pubDate>2022-04-19T00:30:00Z</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.test/blog/">
<title type="html">&lt;b&gt;博客&lt;/b&gt;</title>
<entry><title>条目</title><link rel="alternate" href="e/1"/><updated>2022-04-19T08:30:00+08:00</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>正文</p></div></content></entry></feed>"""

RDF = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="x"><title>RDF</title></channel>
<item rdf:about="i"><title>项</title><link>http://example.test/i</link><dc:date>2022-04-19</dc:date></item></rdf:RDF>"""

GBK_RSS = '<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel><title>国标</title><item><title>新闻标题</title></item></channel></rss>'

ENTITIES = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&b;&ext;</title><item><title>&b;&copy;</title></item></channel></rss>"""

JSON_FEED = """{"version":"https://jsonfeed.org/version/1.1","title":"JSON 频道","home_page_url":"https://example.test/",
"items":[{"id":"1","title":"标题","url":"/p/1","content_html":"<p>段落</p>","summary":"摘要",
"date_published":"2022-04-19T08:30:00+08:00","image":"i.png","authors":[{"name":"作者"}]},
{"id":"2","content_text":"纯文本\\n\\n第二段","date_modified":"bad date"}]}"""

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>标题 - 网站</title>
<meta property="og:title" content="市政府召开常务会议"><meta name="PubDate" content="2022-04-19 08:30">
<meta name="ContentSource" content="办公厅"><link rel="canonical" href="/c/1.html">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"市政府召开常务会议","datePublished":"2022-04-19T08:30:00+08:00","image":{"url":"/i.jpg"}}</script>
</head><body><nav class="nav"><a href="/">首页</a> &gt; <a>要闻</a></nav>
<article><h1>市政府召开常务会议</h1><div class="info">2022-04-19 08:30 来源：办公厅</div>
<div class="summary">核心提示：会议研究部署了下一阶段的工作。</div>
<p>　　4月19日，市长主持召开市政府常务会议，研究部署经济运行、安全生产等工作。会议指出，要坚持稳中求进工作总基调。</p>
<h3>一、关于经济运行</h3><p>会议强调，要抓好各项政策落实，确保经济平稳健康发展，为全年目标打下坚实基础。</p></article>
<aside class="related"><ul><li><a href="/x">相关新闻</a></li></ul></aside><footer>版权所有</footer></body></html>"""

# A 公众号-style page: short paragraphs in nested sections, hidden blocks, credit lines.
ARTICLE_SECTIONS = """<html><head><meta charset="utf-8"><meta property="og:title" content="我区新增3家企业"></head>
<body><h1 class="rich_media_title">我区新增3家企业</h1><em id="publish_time">2024-04-21 11:00</em>
<div id="js_content" style="visibility: hidden;"><section><section><p><span>近日，名单公布。</span></p></section>
<section><p><span style="visibility:hidden">备注</span><span>我区3家企业上榜。<br><br>下一步将加强培育。</span></p></section></section>
<section style="display : none">隐藏</section><section hidden>预留</section><section aria-hidden="true">装饰</section>
<p>（完）</p><section><p>编辑：李晓燕</p><p>审核：张伟 | 监制：陈红</p></section></div></body></html>"""

PLAYLIST = """{"version":1,"name":"大堂","transition":{"type":"push","duration":"400ms"},
"theme":"red-gold","header":{"enabled":true,"logo":"牌子","clock":true},
"ticker":{"enabled":true,"items":["通知一","通知二"],"speed":90,"separator":"◆"},
"sources":[{"id":"news","type":"feed","url":"http://example.test/rss.xml","refresh":"10m","max_age":"1h"}],
"slides":[{"id":"s","type":"slogan","duration":"1m30s","lines":["不忘初心","牢记使命"],"subtitle":"副标题"},
{"id":"c","type":"slogan","vertical":true,"lines":["上联","下联"],"banner":"横批"},
{"id":"n","type":"news","source":"news","item":2,"page_duration":"12s","qr":true},
{"id":"a","type":"news","article":{"title":"标题","summary":"摘要","paragraphs":["一","二"],"published":1650327000}},
{"id":"k","type":"kpi","title":"经营","tiles":[{"label":"营收","value":123456789,"previous":1.5e8,"target":2e8,"unit":"元","format":"wan","decimals":2},
{"label":"增长","value":0.125,"format":"percent"}]},
{"id":"i","type":"image","image":"logo.png","fit":"fill","theme":{"background":"#102030FF"}}]}"""

BAD_PLAYLIST = '{"version":2,"slides":[{"type":"slogan","duration":"-5s","lines":[1,{"x":null}]},{"type":"kpi","tiles":"x"}],"theme":{"accent":"#12345"}}'

# Layout: option bytes (flags, level, width, max_lines, lang) + text.
LAYOUT = {
    "zh-basic": bytes([0, 1, 10, 0, 0]) + "“中文排版”测试：标点挤压、避头尾，以及 Latin 混排 2024 年。\n第二段。".encode(),
    "zh-justify": bytes([2 | 64, 2, 8, 0, 0]) + ("这是一个需要两端对齐的段落，它足够长以至于会折行好几次。" * 3).encode(),
    "vertical": bytes([1, 1, 6, 0, 1]) + "豎排「文字」——測試……１２３".encode(),
    "fit-balance": bytes([32 | 4 | 8, 1, 20, 2, 2]) + "見出しの自動フィット、ルビなし。".encode(),
    "korean": bytes([16, 0, 12, 3, 3]) + "한국어 줄바꿈 테스트입니다 긴 문장".encode(),
    "english": bytes([2, 1, 15, 0, 4]) + b"Hyphen-less English words wrap at spaces; URLs like https://example.test/a/b stay.",
    "invalid-utf8": bytes([0, 1, 5, 0, 0]) + b"\xe4\xb8\xad\xff\xfe\xc0\x80\xed\xa0\x80 \xf4\x90\x80\x80\xe2\x80\xa8x\r\n\t\x00y",
    "emoji-rtl": bytes([128, 1, 9, 1, 0]) + "👩‍👩‍👧 עברית العربية 中文,英文,混排".encode(),
}

HTML_FRAGMENTS = {
    "para": b"\x11<p>\xe7\xac\xac\xe4\xb8\x80\xe6\xae\xb5&amp;&nbsp;&#12288;</p><div>two<br>lines</div><script>x()</script><img src='/a.png'>",
    "plain": "\x05纯文本第一段\n\n第二段  有\u3000空白\u200b".encode(),
    "nested": b"\x30" + b"<div>" * 200 + b"deep" + b"</div>" * 200,
    "table": b"\xff<table><tr><td>a</td><td>b</td></tr></table><ul><li>1<li>2</ul><h2>H</h2>&bogus; &#0; &#x110000;",
}

ENCODING = {
    "gbk-header": bytes([2, 40]) + "<p>国标码</p>".encode("gbk"),
    "utf16-bom": bytes([0, 100]) + "\ufeff<rss>UTF-16</rss>".encode("utf-16-le"),
    "utf16-nobom": bytes([0, 7]) + "<rss>x</rss>".encode("utf-16-be"),
    "xml-decl": bytes([0, 255]) + '<?xml version="1.0" encoding="big5"?><a>'.encode() + "繁體".encode("big5"),
    "meta-charset": bytes([0, 3]) + b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=shift_jis">' + "日本語".encode("shift_jis"),
    "bad-bytes": bytes([1, 9]) + b"ok\x80\xff\xc3(\xe2\x82\x00\x01\x1b[31m",
}

DATES = [
    "Tue, 19 Apr 2022 08:30:00 +0800", "19 Apr 22 08:30 GMT", "Mon, 1 Jan 1900 00:00 EST",
    "2022-04-19T00:30:00.123Z", "2022-04-19T08:30:00+08:00", "2022-04-19 08:30", "2022/04/19 08:30",
    "2022年4月19日 08:30", "2022-04-19", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00-23:59",
    "Fri, 31 Feb 2023 25:61:61 PDT",
]


HTTP_HEADERS = {
    "plain": b'HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: "5f3a-1c"\r\n'
             b"Last-Modified: Wed, 20 Apr 2022 10:00:00 GMT\r\n\r\n",
    "redirect": b"HTTP/1.1 302 Found\r\nLocation: /b\r\nETag: W/\"old\"\r\n\r\n"
                b'HTTP/1.1 100 Continue\r\n\r\nHTTP/2 200\r\netag: "new"\r\nlast-modified: x\r\n\r\n',
    "hostile": b'HTTP/1.1 200 OK\r\nETag: "a\rX-Injected: 1"\r\nETag:  \t\r\nLast-Modified: Wed\x00, 20\r\n'
               b"ETAG:\x7f\r\nLast-Modified:" + b"9" * 100 + b"\n",
}


IMAGE_HEADERS = {
    "png": b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x07\x80\0\0\x04\x38\x08\x06\0\0\0\0\0\0\0",
    # SOI, APP0 (JFIF), APP1 with filler, DQT, SOF0 640 x 480
    "jpeg": b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xe1\0\x08Exif\0\0"
            b"\xff\xff\xdb\0\x03\0\xff\xc0\0\x11\x08\x01\xe0\x02\x80\x03\x01\x22\0\x02\x11\x01\x03\x11\x01",
    # screen 320 x 240 with a 2-colour table, a graphic control extension,
    # then the first frame's descriptor (the size that is decoded)
    "gif": b"GIF89a\x40\x01\xf0\0\x80\0\0" + b"\0\0\0\xff\xff\xff" + b"\x21\xf9\x04\x01\x0a\0\x01\0"
           b"\x2c\0\0\0\0\x40\x01\xf0\0\0\x02\x02\x4c\x01\0\x3b",
    # a 10 x 10 screen whose first frame is 30000 x 30000
    "gif-frame": b"GIF87a\x0a\0\x0a\0\0\0\0" + b"\x2c\0\0\0\0\x30\x75\x30\x75\0\x02\x02\x4c\x01\0\x3b",
    "bmp": b"BM" + b"\0" * 12 + b"\x28\0\0\0" + b"\x80\x02\0\0" + b"\x20\xfe\xff\xff" + b"\x01\0\x20\0",
    "bmp-os2": b"BM" + b"\0" * 12 + b"\x0c\0\0\0\x80\x02\xe0\x01\x01\0\x18\0",
    "webp-vp8x": b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0\x7f\x02\0\xdf\x01\0",
    "webp-vp8l": b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f\x7f\xc0\x77\0\0\0\0\0\0",
    "webp-vp8": b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a\x80\x02\xe0\x01",
}


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png(w, h, colour_type, depth, rows, interlace=0, chunks=b""):
    """A PNG of w x h, the given raw (unfiltered) rows, extra chunks before IDAT."""
    raw = b"".join(b"\0" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour_type, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunks + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


# The first byte: the PNG's halvings (low two bits), the JPEG's cover box.
IMAGE_DECODE = {
    "png-rgb": b"\x02" + png(7, 5, 2, 8, [bytes((x * 40 + y * 9 + c * 70) & 255 for x in range(7) for c in range(3)) for y in range(5)]),
    "png-rgba": b"\x01" + png(4, 9, 6, 8, [bytes((x * 61 + y * 17 + c) & 255 for x in range(4) for c in range(4)) for y in range(9)]),
    "png-palette-trns": b"\x01" + png(6, 4, 3, 2, [bytes([0b00011011, 0b11100100]) for _ in range(4)],
                                       chunks=chunk(b"PLTE", bytes(range(0, 240, 20))) + chunk(b"tRNS", b"\x00\x80")),
    "png-grey16": b"\x03" + png(9, 9, 0, 16, [bytes((x * 29 + y) & 255 for x in range(18)) for y in range(9)]),
    "png-interlaced": b"\x00" + png(3, 3, 2, 8, [bytes(9)] * 3, interlace=1),
    "jpeg-header": b"\x08" + IMAGE_HEADERS["jpeg"],
    # A 16x8 CMYK JPEG with Adobe's marker (inks inverted), as PIL wrote it
    # once for this seed: reaches the CMYK-to-RGB rows.
    "jpeg-cmyk": b"\x04" + bytes.fromhex(
        "ffd8ffee000e41646f626500640000000000ffdb004300140e0f120f0d14121012171514181e32211e1c1c1e3d2c2e243249"
        "404c4b47404645505a736250556d5645466488656d777b8182814e608d978c7d96737e817cffc00014080008001004431100"
        "4d11005911004b1100ffc40017000003010000000000000000000000000000050604ffc40019100100020300000000000000"
        "00000000000005421662a1ffda000e0443004d0059004b00003f00792b669c937e914555468c95b0c937eace2aa1ffd9"),
}


KPI = {
    "json-list": b"\0" + '[{"label":"产值","value":8640000000,"previous":"7,680,000,000","target":3.5e10,"unit":"元"},'
                         '{"name":"增速","value":"18.5%"},{"label":"x"}]'.encode(),
    "json-wrapped": b"\5" + '{"更新时间":"2024-11-20T09:00:00+08:00","数据":[{"指标":"在孵企业","数值":86,"单位":"家"}]}'.encode(),
    "json-map": b"\0" + '{"timestamp":1732064400000,"访客":"１２,４８０","就业":{"value":"(1,350)","target":"5千"}}'.encode(),
    "csv-excel": b"\0" + "\ufeff指标,本期,上期,目标,单位\r\n用电量,1286.5万,1190.2万,,千瓦时\r\n访客,\"12,480\",,,人次\r\n".encode(),
    "csv-semicolon": b"\7" + b'Unit;Target;Value;Name\nkWh;5000;4200.5;Power\n;;"7";"Say ""hi"""\n',
    "csv-gbk": b"\2" + "指标\t本期\n在孵企业\t−86\n".encode("gbk", errors="replace"),
}


# CAP: the hand-written fixtures of tests/feeds (a typhoon warning in zh-CN
# and en-US, its update and cancel, an Atom feed embedding one), and a
# hostile alert (entities, a nested alert, references without commas).
CAP_FIXTURES = ["typhoon_orange.xml", "typhoon_red_update.xml", "typhoon_cancel.xml", "heat_yellow_feed.xml"]
CAP_HOSTILE = """<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY a "预警预警"><!ENTITY b "&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&b;</identifier><sender>&x;s</sender>
<sent>2026-02-30T25:61:00+99:00</sent><status>Actual</status><msgType>Cancel</msgType><references>a b,c ,, x,y,z</references>
<info><language></language><severity>Extreme</severity><expires>never</expires><area><geocode><value/></geocode></area>
<alert><identifier>nested</identifier></alert></info></alert>"""


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    for name, doc in [("rss", RSS), ("atom", ATOM), ("rdf", RDF), ("entities", ENTITIES), ("json", JSON_FEED)]:
        write("feed", name, bytes([1, 63]) + doc.encode())
    write("feed", "gbk", bytes([0, 5]) + GBK_RSS.encode("gbk"))
    write("feed", "truncated", bytes([0, 5]) + RSS[: len(RSS) // 2].encode())
    write("json_feed", "feed11", bytes([9]) + JSON_FEED.encode())
    write("json_feed", "deep", bytes([0]) + b'{"version":"https://jsonfeed.org/version/1","items":' + b"[" * 300 + b"]" * 300 + b"}")
    write("json_feed", "types", bytes([0]) + b'{"version":1,"title":7,"items":[null,1,"x",{"title":[],"url":{},"date_published":1e400}]}')
    write("article", "gov", bytes([1, 100]) + ARTICLE.encode())
    write("article", "gbk", bytes([2, 10]) + ARTICLE.replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
    write("article", "sections", bytes([0, 24]) + ARTICLE_SECTIONS.encode())
    write("article", "notarticle", bytes([0, 0]) + b"<html><body><ul><li><a href=/1>1</a></li></ul></body></html>")
    write("playlist", "full", PLAYLIST)
    write("playlist", "bad", BAD_PLAYLIST)
    write("playlist", "syntax", '{"version":1,"slides":[{"id":"a",}')
    for name, data in LAYOUT.items():
        write("layout", name, data)
    for name, data in HTML_FRAGMENTS.items():
        write("html_text", name, data)
    for name, data in ENCODING.items():
        write("encoding", name, data)
    for name, data in IMAGE_HEADERS.items():
        write("image_header", name, data)
    for name, data in IMAGE_DECODE.items():
        write("image_decode", name, data)
    for name, data in KPI.items():
        write("kpi", name, data)
    for name, data in HTTP_HEADERS.items():
        write("http_headers", name, data)
    for name in CAP_FIXTURES:
        with open(os.path.join(HERE, "..", "feeds", "fixtures", "cap", name), "rb") as f:
            write("cap", name.replace(".xml", ""), bytes([0x30]) + f.read())
    write("cap", "hostile", bytes([0x01]) + CAP_HOSTILE.encode())
    for i, d in enumerate(DATES):
        write("dates", f"date{i:02d}", bytes([0x81 if i % 2 else 0]) + d.encode())


if __name__ == "__main__":
    main()
