"""Load-test corpus: synthetic IP work plans, sized and shaped like real ones, from a fixed seed.

Each plan recombines sentence patterns and vocabularies (a city from the GB/T 2260 gazetteer,
its agencies, national frameworks in 《》, indicators and numbers, three responsibility layouts,
a target table, a leading group) so that every extractor has work to do. The same seed gives the
same bytes. Used by bench/bench_scale.py and tests/scale/. Usage:
    .venv/bin/python bench/generate_corpus.py OUT_DIR --count 1000 [--seed 20261123]
"""
from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

# fmt: off
FRAMEWORKS = [
    ("知识产权强国建设纲要(2021—2035年)", "中发〔2021〕"),
    ("“十四五”国家知识产权保护和运用规划", "国发〔2021〕20号"),
    ("关于强化知识产权保护的意见", ""),
    ("国务院关于新形势下加快知识产权强国建设的若干意见", "国发〔2015〕71号"),
    ("国家知识产权局关于确定国家知识产权强市建设试点示范城市的通知", ""),
    ("专利转化运用专项行动方案(2023—2025年)", "国办发〔2023〕37号"),
    ("中华人民共和国专利法", ""),
    ("中华人民共和国商标法", ""),
    ("企业知识产权合规管理体系要求", "GB/T 29490-2023"),
    ("关于加强知识产权鉴定工作的指导意见", ""),
    ("地理标志保护和运用“十四五”规划", ""),
    ("知识产权公共服务“十四五”规划", ""),
]
AGENCIES = [
    "市市场监管局", "市科技局", "市工信局", "市发展改革委", "市财政局", "市商务局", "市教育局",
    "市司法局", "市公安局", "市农业农村局", "市文旅局", "市人社局", "市委宣传部", "市委组织部",
    "市自然资源局", "市林业局", "市金融工作局", "市中级人民法院", "市人民检察院", "市贸促会",
    "市国资委", "市统计局", "市版权局", "市住建局", "市卫生健康委",
]
EXTERNAL_AGENCIES = ["{short}海关", "国家金融监管总局{short}分局", "人民银行{short}市分行",
                     "{short}高新区管委会", "各县(市)区人民政府", "{short}经济技术开发区管委会"]
INDICATORS = [  # (indicator, unit, low, high, decimals)
    ("每万人口高价值发明专利拥有量", "件", 3, 30, 1),
    ("有效发明专利", "件", 800, 20000, 0),
    ("商标有效注册量", "万件", 2, 30, 1),
    ("知识产权质押融资金额", "亿元", 1, 80, 1),
    ("地理标志专用标志使用企业", "家", 10, 120, 0),
    ("知识产权服务机构数量", "家", 20, 200, 0),
    ("知识产权维权援助工作站", "个", 2, 20, 0),
    ("商标品牌指导站", "个", 3, 30, 0),
    ("PCT国际专利申请量", "件", 20, 900, 0),
    ("专利密集型产品备案", "件", 50, 600, 0),
    ("知识产权示范企业", "家", 5, 80, 0),
    ("知识产权优势企业", "家", 10, 150, 0),
]
INDUSTRIES = ["装备制造", "新材料", "新能源", "生物医药", "电子信息", "现代农业", "文化创意", "数字经济",
              "有色金属", "节能环保", "轨道交通", "食品加工", "纺织服装", "化工", "汽车及零部件"]
TASK_VERBS = ["实施", "推进", "加强", "提升", "完善", "健全", "培育", "促进", "开展", "深化", "强化", "打造"]
TASK_OBJECTS = [
    "专利质量提升工程", "商标品牌战略", "高价值专利培育", "知识产权金融服务", "专利导航工作",
    "地理标志保护运用", "知识产权行政保护", "知识产权司法保护", "知识产权纠纷多元化解机制",
    "知识产权公共服务体系", "知识产权服务业监管", "知识产权人才培养", "海外知识产权维权援助",
    "版权示范创建", "专利转化运用", "知识产权信息服务网点建设", "中小企业知识产权托管",
    "商业秘密保护", "知识产权宣传培训", "知识产权信用监管", "知识产权快速协同保护",
]
FILLERS = [
    "围绕{ind}等重点产业，建立健全以市场需求为导向的知识产权创造体系，培育一批创新水平高、权利状态稳定、市场竞争力强的核心专利",
    "鼓励企业加大研发投入，支持创新主体围绕{ind}领域关键核心技术开展专利布局，形成一批具有自主知识产权的高价值专利组合",
    "加强部门协同和上下联动，推进行政执法与刑事司法有效衔接，严厉打击侵犯知识产权违法犯罪行为，营造良好的营商环境",
    "引导银行、保险、担保等机构创新知识产权金融产品，扩大知识产权质押融资规模，为{ind}企业提供融资支持",
    "依托技术与创新支持中心和高校知识产权信息服务中心，拓展知识产权信息传播利用渠道，提升公共服务水平",
    "梳理全市地理标志资源，建立地理标志产品培育梯队，推动地理标志与特色产业发展、乡村振兴有机融合",
    "组织开展领导干部知识产权专题培训和知识产权进校园活动，营造尊重知识、崇尚创新、诚信守法的社会氛围",
    "建立知识产权纠纷人民调解委员会和举报投诉集中处理平台，在电商平台、展会、专业市场等领域构建快速处理通道",
    "支持{ind}产业组建产业知识产权联盟，开展专利密集型产品备案认定，打造专利密集型产业聚集区",
    "推动高校、科研院所建立专业化知识产权运营机构，推进专利开放许可，促进科技成果转移转化",
]
PRINCIPLES = ["坚持创新驱动，质量引领", "坚持健全机制，激发活力", "坚持突出重点，统筹协调", "坚持严格保护，优化环境",
              "坚持市场主导，政府引导", "坚持开放合作，协同共治"]
SECTION_TITLES = ["提升知识产权创造质量", "提高知识产权运用效益", "强化知识产权保护", "优化知识产权公共服务",
                  "加强知识产权人才建设", "推进知识产权国际合作", "深化知识产权领域改革"]
SAFEGUARDS = ["加强组织领导", "强化统筹协调", "加大政策支持", "强化考核评估", "加强宣传引导"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红宇浩然子涵欣怡梓轩晨阳海燕春丽敬华锋鹏"
POSTS = ["市委宣传部副部长", "市发展改革委主任", "市教育局局长", "市科技局局长", "市工信局局长", "市公安局副局长",
         "市司法局局长", "市财政局局长", "市人社局局长", "市商务局局长", "市市场监管局局长", "市农业农村局局长",
         "市文旅局局长", "市中级人民法院副院长", "市人民检察院副检察长", "市金融工作局局长"]
# fmt: on
DIGITS = "〇一二三四五六七八九十"


def cities() -> list[tuple[str, str, str]]:
    """(city, short name, province) for every prefecture-level city in the gazetteer."""
    from policykg.extract.gazetteer import by_code, places

    out = []
    for place in places():
        if place.level == "city" and place.name.endswith("市"):
            province = by_code(place.province_code)
            out.append((place.name, place.short, province.name if province else ""))
    if not out:  # the gazetteer's data package is missing: still generate something
        out = [("衡阳市", "衡阳", "湖南省"), ("银川市", "银川", "宁夏回族自治区")]
    return out


def chinese_number(n: int) -> str:
    if n <= 10:
        return DIGITS[n]
    if n < 20:
        return "十" + DIGITS[n - 10]
    return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")


def generate_plan(rng: random.Random, city: tuple[str, str, str]) -> str:
    """One plan's text (notice header, preamble, goals with a target table, measures in one of
    three responsibility layouts, safeguards, leading group annex)."""
    name, short, province = city
    start = rng.randint(2016, 2024)
    end = start + rng.choice([2, 3, 4])
    period = f"({start}—{end}年)"
    kind = rng.choice(["试点", "示范"])
    title = f"{name}国家知识产权强市建设{kind}城市工作方案{period}"
    externals = [e.format(short=short) for e in EXTERNAL_AGENCIES]
    pool = AGENCIES + externals
    industries = rng.sample(INDUSTRIES, 4)
    lines: list[str] = []
    out = lines.append

    issued = f"{start}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    out(f"{name}人民政府办公室关于印发{title}的通知")
    out(f"{short}政办发〔{start}〕{rng.randint(1, 120)}号")
    out("")
    out("各县(市、区)人民政府，市政府各部门、各直属机构：")
    out(f"《{title}》已经市人民政府同意，现印发给你们，请结合实际认真抓好落实。")
    out("")
    out(f"{name}人民政府办公室")
    out(issued)
    out("")
    out(title)
    out("")
    cited = rng.sample(FRAMEWORKS, rng.randint(2, 4))
    refs = "".join(f"《{t}》" + (f"({n})" if n and rng.random() < 0.5 else "") for t, n in cited)
    out(f"为深入贯彻落实{refs}和{province}关于知识产权工作的决策部署，加快推进{name}知识产权强市建设，"
        f"结合我市实际，制定本方案。")
    out("")
    out("一、总体要求")
    out("(一)指导思想")
    out(f"坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，深入实施创新驱动发展战略，"
        f"以{industries[0]}、{industries[1]}等产业为重点，强化知识产权创造、运用、保护、管理和服务，"
        f"为{name}经济高质量发展提供有力支撑。")
    out("(二)基本原则")
    for principle in rng.sample(PRINCIPLES, 3):
        out(f"——{principle}。{rng.choice(FILLERS).format(ind=rng.choice(industries))}。")
    out("(三)主要目标")
    indicators = rng.sample(INDICATORS, rng.randint(4, 7))
    for indicator, unit, low, high, decimals in indicators[:3]:
        value = round(rng.uniform(low, high), decimals)
        value_text = f"{value:.{decimals}f}"
        out(f"到{end}年，全市{indicator}达到{value_text}{unit}以上，{rng.choice(FILLERS).format(ind=rng.choice(industries))}。")
    if rng.random() < 0.7:  # a target table: indicator (unit) then one value per year
        out("具体指标如下：")
        out("")
        out("指     标")
        years = list(range(end - 2, end + 1))
        for year in years:
            out(f"{year}年")
        for indicator, unit, low, high, decimals in indicators[3:]:
            out(f"{indicator}({unit})")
            base = rng.uniform(low, high)
            for step in range(len(years)):
                out(f"{base * (1 + 0.1 * step):.{decimals}f}")
        out("")
    out("二、重点任务")
    layout = rng.choice(["inline", "blocks", "mixed"])
    measure_no = 0
    sections = rng.sample(SECTION_TITLES, rng.randint(3, 5))
    for s, section in enumerate(sections, start=1):
        out(f"({chinese_number(s)}){section}")
        for _ in range(rng.randint(4, 7)):
            measure_no += 1
            task = f"{rng.choice(TASK_VERBS)}{rng.choice(TASK_OBJECTS)}"
            body = "。".join(rng.choice(FILLERS).format(ind=rng.choice(industries))
                             for _ in range(rng.randint(2, 3)))
            if rng.random() < 0.3:
                indicator, unit, low, high, decimals = rng.choice(INDICATORS)
                body += f"。到{rng.randint(start + 1, end)}年，{indicator}达到{round(rng.uniform(low, high), decimals)}{unit}"
            agencies = rng.sample(pool, rng.randint(1, 6))
            style = layout if layout != "mixed" else rng.choice(["inline", "blocks"])
            if style == "inline":
                out(f"{measure_no}.{task}。{body}。(责任单位：{'、'.join(agencies)})")
            else:
                out(f"{measure_no}.{task}。{body}。")
                out("")
                out(f"牵头单位：{agencies[0]}")
                if agencies[1:]:
                    out(f"责任单位：{'、'.join(agencies[1:])}")
            out("")
    out("三、保障措施")
    for s, safeguard in enumerate(rng.sample(SAFEGUARDS, 3), start=1):
        out(f"({chinese_number(s)}){safeguard}。{rng.choice(FILLERS).format(ind=rng.choice(industries))}。"
            f"成立{name}知识产权强市建设工作领导小组，统筹推进各项工作。")
    out("")
    out(f"附件：{name}知识产权强市建设工作领导小组")
    out("")
    out(f"{name}知识产权强市建设工作领导小组")
    out("")
    out(f"组  长  {_person(rng)} 市长")
    out(f"副组长  {_person(rng)} 副市长")
    members = rng.sample(POSTS, rng.randint(5, 10))
    out(f"成  员  {_person(rng)} {members[0]}")
    for post in members[1:]:
        out(f"        {_person(rng)} {post}")
    return "\n".join(lines) + "\n"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def generate(out_dir: Path, count: int, seed: int = 20261123) -> list[Path]:
    """Write `count` plans into `out_dir` (UTF-8 .txt, most) and GB18030 (every 7th, as many real
    pages are); the same seed gives the same files. RETURNS the paths, sorted."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = cities()
    paths = []
    for i in range(count):
        city = pool[rng.randrange(len(pool))]
        text = generate_plan(rng, city)
        data = text.encode("gb18030" if i % 7 == 6 else "utf-8")
        digest = hashlib.sha256(data).hexdigest()[:16]
        path = out_dir / f"{i:05d}_{digest}.txt"
        path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261123)
    args = ap.parse_args()
    paths = generate(args.out_dir, args.count, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} plans, {size / 1e6:.1f} MB ({size / max(len(paths), 1) / 1e3:.1f} KB each) "
          f"into {args.out_dir}")


if __name__ == "__main__":
    main()
