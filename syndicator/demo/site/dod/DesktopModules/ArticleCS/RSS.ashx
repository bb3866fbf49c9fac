<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>U.S. Department of Defense: News Stories (sample)</title>
    <link>{{dod}}News/News-Stories/</link>
    <description>News stories from a sample U.S. Department of Defense news site, bundled with syndicator's demo.</description>
    <language>en-us</language>
    <atom:link href="{{dod}}DesktopModules/ArticleCS/RSS.ashx?ContentType=1&amp;Site=945&amp;max=10" rel="self" type="application/rss+xml"/>
    <lastBuildDate>Wed, 05 Nov 2025 23:10:00 GMT</lastBuildDate>
    <item>
      <title>U.S., South Korean Diplomats, Defense Leaders Align Strategy at 2+2 Talks</title>
      <link>{{dod}}News/News-Stories/Article/Article/4332950/us-south-korean-diplomats-defense-leaders-align-strategy-at-22-talks/</link>
      <description>A day after the Security Consultative Meeting, the U.S. and South Korean foreign and defense ministers met for the 2+2 and issued a joint statement on North Korea, Japan and economic security.</description>
      <pubDate>Wed, 05 Nov 2025 21:20:00 GMT</pubDate>
      <guid isPermaLink="false">4332950</guid>
      <dc:creator>Theo Lindqvist, DOD News</dc:creator>
      <category>Korea</category>
      <category>Diplomacy</category>
      <media:content url="{{dod}}Portals/1/Images/2025/11/251105-D-SC123-2003.svg" medium="image" type="image/svg+xml"/>
    </item>
    <item>
      <title>U.S., South Korea Reaffirm Alliance, Deterrence at Security Consultative Meeting</title>
      <link>{{dod}}News/News-Stories/Article/Article/4331807/us-south-korea-reaffirm-alliance-deterrence-at-security-consultative-meeting/</link>
      <description>The U.S. and South Korean defense chiefs met at the Pentagon for the annual Security Consultative Meeting, covering extended deterrence, exercises, missile warning and supply chains.</description>
      <pubDate>Tue, 04 Nov 2025 22:45:00 GMT</pubDate>
      <guid isPermaLink="false">4331807</guid>
      <dc:creator>Marisa Okafor, DOD News</dc:creator>
      <category>Korea</category>
      <category>Indo-Pacific</category>
      <media:content url="{{dod}}Portals/1/Images/2025/11/251104-D-SC123-1001.svg" medium="image" type="image/svg+xml"/>
    </item>
    <item>
      <title>Department Expands Child Care Fee Assistance for Military Families</title>
      <link>{{dod}}News/News-Stories/Article/Article/4330412/department-expands-child-care-fee-assistance-for-military-families/</link>
      <description>Service members who cannot get a place at an on-base child development center will get more help paying for off-base care starting in January.</description>
      <pubDate>Mon, 03 Nov 2025 19:05:00 GMT</pubDate>
      <guid isPermaLink="false">4330412</guid>
      <dc:creator>Renee Castillo, DOD News</dc:creator>
      <category>Military Families</category>
      <media:content url="{{dod}}Portals/1/Images/2025/11/251103-D-SC123-3002.svg" medium="image" type="image/svg+xml"/>
    </item>
  </channel>
</rss>
