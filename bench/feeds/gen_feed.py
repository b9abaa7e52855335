#!/usr/bin/env python3
"""Writes a deterministic RSS 2.0 feed with N items (default 5000) for the feed benchmark.

Items look like a Chinese news portal's: CJK titles with entities, HTML descriptions with
paragraphs, links and an image, relative links, RFC 822 dates, every 10th item with
content:encoded.  usage: gen_feed.py OUT.xml [N]
"""
import sys

PHRASES = ["科技局推动党建工作与科技业务同频共振", "高新技术企业数量再创新高", "科技特派员服务乡村振兴",
           "园区入驻企业突破五百家", "研发投入同比增长百分之十八", "氢能产业从实验室走向生产线"]


def item(i):
    title = f"{PHRASES[i % len(PHRASES)]}（第{i}期）&amp; 要闻"
    desc = (f"<p>　　近日，{PHRASES[(i + 1) % len(PHRASES)]}，相关部门表示将继续加大支持力度。</p>"
            f"<p>记者&nbsp;从会上获悉：{PHRASES[(i + 2) % len(PHRASES)]}。<a href=\"/more/{i}\">详情</a></p>"
            f"<img src=\"/img/{i}.jpg\" alt=\"\">")
    day = 1 + i % 28
    content = ""
    if i % 10 == 0:
        content = (f"<content:encoded><![CDATA[<h2>小标题{i}</h2><p>{PHRASES[i % 6] * 4}</p>"
                   f"<p>{PHRASES[(i + 3) % 6] * 3}</p>]]></content:encoded>")
    return (f"<item><title>{title}</title><link>/news/2022/04/{i}.html</link>"
            f"<description><![CDATA[{desc}]]></description>{content}"
            f"<pubDate>Tue, {day:02d} Apr 2022 {i % 24:02d}:{i % 60:02d}:00 +0800</pubDate>"
            f"<guid isPermaLink=\"false\">bench-{i}</guid></item>\n")


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    with open(out, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                "<title>基准测试频道</title><link>https://bench.example.cn/</link>\n")
        for i in range(n):
            f.write(item(i))
        f.write("</channel></rss>\n")


if __name__ == "__main__":
    main()
