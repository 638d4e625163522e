# ruff: noqa: E501  (prose: one sentence or paragraph per string)
"""Invented demo texts: state-media articles, government notices, company news and reports.

Everything here is fiction written for the demo. The companies (天河铝业有限公司, 西域新材料科技有限公司,
昆仑碳素有限责任公司, 示范有色集团 ...) and outlets (天山示范新闻网, 示范日报 ...) do not exist; place and
programme names are real so the texts read like the sources researchers cite.

Writing rules, so the manifest's ``expected_hits`` stay countable:
- one idea per sentence, ending in 。 (English: ". ");
- on positive pages, a sentence that describes the transfer contains a term from DOMAIN.md and the
  other sentences contain none;
- headings are separate paragraphs without 。 and without terms.

Dev-only data: ``demo.build_site`` renders it; the runtime (server, crawler) never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Doc:
    """One invented article, notice or report and what the pipeline should make of it."""

    path: str
    source: str
    title: str
    date: str  # ISO date shown on the page
    info: str  # the byline as displayed
    paras: list[str]
    flagged: bool
    script: str = "hans"  # hans | hant | latin (hant pages are written simplified and converted)
    trap: str | None = None
    note: str = ""
    outlet: str = ""
    opencc: str = "s2t"  # conversion config for hant pages
    extra: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# 天山示范新闻网 (state-media style, UTF-8)
# ---------------------------------------------------------------------------------------------

XINWEN: list[Doc] = [
    Doc(
        path="/xinwen/202305/t20230510_123456.html",
        source="demo-xinwen",
        title="和田地区今年首趟务工专列发车 1236名富余劳动力赴天河铝业等企业就业",
        date="2023-05-10",
        info="发布时间：2023-05-10 10:31　来源：天山示范通讯社　责任编辑：王某某",
        outlet="天山示范通讯社",
        flagged=True,
        paras=[
            "5月9日上午，一列务工专列从和田火车站缓缓驶出，1236名农村富余劳动力将前往天河铝业有限公司等企业就业。",
            "这是今年和田地区组织开行的首趟务工专列。今年以来，和田地区坚持把有组织转移作为群众增收的重要途径。全地区已累计转移农村富余劳动力4.6万人次。",
            "发车仪式现场锣鼓喧天，气氛热烈。站台上，家属们挥手送别亲人。",
            "墨玉县喀尔赛乡村民阿依古丽是建档立卡贫困户家庭成员。阿依古丽说，到企业后要先参加国语培训，每月工资有4000多元。",
            "据了解，务工人员抵达后将由企业实行集中管理，统一安排食宿。地区人社部门在企业设立了服务管理工作站，安排专人跟踪管理。",
            "天河铝业有限公司是一家集电解铝、铝加工于一体的民营企业，现有员工3800余人。公司负责人表示，企业将为新员工提供岗前技能培训。",
            "下一步，和田地区将继续开行务工专列，力争全年转移就业15万人次。",
        ],
        note="organised dispatch by special train to a fictional smelter; control and language indicators",
    ),
    Doc(
        path="/xinwen/202304/t20230418_123301.html",
        source="demo-xinwen",
        title="喀什地区一季度有组织转移农村富余劳动力11.2万人",
        date="2023-04-18",
        info="2023年04月18日 09:15　来源：示范日报　作者：李某",
        outlet="示范日报",
        flagged=True,
        paras=[
            "今年一季度，喀什地区有组织转移农村富余劳动力11.2万人，完成年度目标任务的38.6%。",
            "其中，疆内跨地区转移2.3万人，转移内地就业0.8万人，就地就近转移8.1万人。",
            "地区将任务逐级分解到县、乡、村，层层签订目标责任状。各县市组建工作队开展入户动员，逐户摸排劳动力底数。",
            "针对南疆四地州深度贫困县，地区优先组织建档立卡贫困劳动力外出务工。",
            "春耕时节，各地同时抓好农业生产，确保粮食播种面积稳定。",
            "外出人员出发前统一接受为期15天的集中培训，内容包括国家通用语言、法律法规和劳动纪律。",
            "喀什地区有关负责人介绍，下一步将加强与天河铝业、西域新材料等企业的劳务合作对接。",
        ],
        note="quota figures, channels of the 六个一批, cadre mobilisation",
    ),
    Doc(
        path="/xinwen/202303/t20230322_122980.html",
        source="demo-xinwen",
        title="乌什县500名富裕劳动力到西域新材料公司就业",
        date="2023-03-22",
        info="发布时间：2023-03-22　来源：示范晚报",
        outlet="示范晚报",
        flagged=True,
        paras=[
            "3月20日，阿克苏地区乌什县组织500名富裕劳动力乘坐大巴前往西域新材料科技有限公司，开启新的工作生活。",
            "这批务工人员中，建档立卡贫困户家庭成员占六成以上。",
            "西域新材料科技有限公司主要生产铝合金型材和预焙阳极，年产值超过20亿元。公司为新员工配发了工装和生活用品。",
            "为帮助转移就业人员尽快适应岗位，公司每天晚上安排两小时国语培训。县里还派出3名干部驻厂，实行统一管理。",
            "工人买买提·吐尔逊说，在这里一个月能挣3500元，比在家种地强多了。",
            "乌什县今年计划转移就业1.2万人。",
        ],
        note="uses the frequent misspelling 富裕劳动力 (for 富余劳动力)",
    ),
    Doc(
        path="/xinwen/202306/t20230605_124010.html",
        source="demo-xinwen",
        title="克州：产业工人“走出去” 增收致富有奔头",
        date="2023-06-05",
        info="发布时间：2023-06-05 16:02　来源：示范融媒体中心　责任编辑：赵某",
        outlet="示范融媒体中心",
        flagged=True,
        paras=[
            "近日，克州阿图什市首批180名农村富余劳动力来到昆仑碳素有限责任公司上岗。",
            "昆仑碳素有限责任公司主要生产铝用预焙阳极，年产能30万吨。",
            "务工人员进厂后实行半军事化管理，统一作息、统一着装。企业每周开展三次国家通用语言培训和感党恩教育。",
            "阿图什市在企业设立服务管理工作站，3名驻厂干部与务工人员同吃同住。",
            "车间主任介绍，新员工经过一个月的师带徒，已能独立操作设备。",
            "克州今年计划实现农村劳动力转移就业6.5万人次。",
        ],
        note="control (半军事化管理) and political (感党恩) indicators at a fictional anode plant",
    ),
    Doc(
        path="/xinwen/202307/t20230715_124588.html",
        source="demo-xinwen",
        title="南疆四地州上半年有组织转移富余劳动力52.3万人次",
        date="2023-07-15",
        info="发布时间：2023-07-15 11:20　来源：示范文汇网　责任编辑：陈某",
        outlet="示范文汇网",
        flagged=True,
        script="hant",
        opencc="s2hk",
        paras=[
            "记者从有关部门获悉，今年上半年南疆四地州有组织转移农村富余劳动力52.3万人次。",
            "其中，通过专列、包机等方式集中输送务工人员3.1万人次。",
            "据介绍，各地对转移就业人员实行“出发有人送、途中有人管、到岗有人接”的全程服务。",
            "在接收企业，务工人员参加国语培训和技能培训，不少人还写下了感党恩的心得体会。",
            "今年夏天，南疆各地瓜果陆续上市，市场供应充足。",
            "有关部门表示，下半年将继续推进有组织、成规模转移就业。",
        ],
        note="Traditional script (Hong Kong variant)",
    ),
    Doc(
        path="/xinwen/202308/t20230808_124901.html",
        source="demo-xinwen",
        title="和田姑娘的铝厂新生活",
        date="2023-08-08",
        info="2023年08月08日 08:05　来源：示范周刊　记者：林某",
        outlet="示范周刊",
        flagged=True,
        script="hant",
        opencc="s2tw",
        paras=[
            "23岁的如克亚·艾力来自和田县，去年通过有组织转移来到天河铝业有限公司当上了一名质检员。",
            "她是家里第一个走出村子的人。刚进厂时，她只会说几句普通话。",
            "公司实行集中管理，新员工每天晚上都要参加国语培训。",
            "一年下来，她已能用普通话与同事流利交流。她每月把一半工资寄回家，家里盖起了新房。",
            "如克亚说，她要感党恩、听党话、跟党走。",
            "据了解，天河铝业现有来自南疆四地州的转移就业员工600余人。",
        ],
        note="Traditional script (Taiwan variant); worker profile",
    ),
    Doc(
        path="/xinwen/202309/t20230912_125230.html",
        source="demo-xinwen",
        title="Southern Xinjiang surplus labor finds jobs in aluminum industry",
        date="2023-09-12",
        info="Updated: 2023-09-12 08:47 | Source: Tianshan Demo Daily | Editor: Zhang Mou",
        outlet="Tianshan Demo Daily",
        flagged=True,
        script="latin",
        paras=[
            "More than 3,000 surplus laborers from Hotan and Kashgar prefectures have found stable jobs at aluminum and carbon plants this year, local officials said.",
            "The workers traveled on two special trains organized by the local human resources authorities in March. Tianhe Aluminium, a private smelter, received 1,200 of the transferred workers.",
            "The transferred workers receive free dormitories, canteens and Mandarin classes.",
            "Aluminum output in the region rose 6 percent year-on-year in the first half. Mamat, 24, said he now earns more than 4,000 yuan a month.",
            "Labor transfer is a key part of poverty alleviation through employment in southern Xinjiang, local officials said.",
            "Officials said the prefectures will continue the organized transfer of rural surplus labor to factories in and outside Xinjiang.",
        ],
        note="English, China Daily style",
    ),
    Doc(
        path="/xinwen/201911/t20191125_100321.html",
        source="demo-xinwen",
        title="墨玉县：教培中心结业学员走上工作岗位",
        date="2019-11-25",
        info="发布时间：2019-11-25 17:40　来源：示范日报　责任编辑：刘某",
        outlet="示范日报",
        flagged=True,
        paras=[
            "日前，墨玉县职业技能教育培训中心又有320名结业学员走上工作岗位。",
            "他们中的210人在县城企业安置就业，其余人员由县里统一组织到天河铝业等企业务工。",
            "在培训中心，学员们系统学习了国家通用语言文字、法律知识和职业技能。",
            "结业学员艾合买提说，通过学习，他认清了三股势力的危害。",
            "县里对结业学员实行跟踪管理，定期回访。",
            "车间里机器声此起彼伏，大家干劲十足。",
            "目前，墨玉县已建成卫星工厂42家。",
        ],
        note="camp-to-work: VSETC graduates placed in jobs",
    ),
    Doc(
        path="/xinwen/201810/t20181026_100112.html",
        source="demo-xinwen",
        title="喀什和田两地三年10万人就业计划稳步推进",
        date="2018-10-26",
        info="发布时间：2018年10月26日　来源：天山示范新闻网",
        outlet="天山示范新闻网",
        flagged=True,
        paras=[
            "喀什和田两地三年10万人就业计划实施以来，各地通过多种渠道推动劳动力转移就业。",
            "据不完全统计，今年以来两地累计新增转移就业2.8万人，其中转移内地就业4000余人。",
            "各县把这项工作作为一把手工程，县委书记亲自部署、亲自督办。",
            "访惠聚工作队深入农户家中，宣讲外出务工政策。",
            "北疆的天河铝业、昆仑碳素等企业提供了2000多个岗位。",
            "秋收时节，两地棉花、红枣陆续进入采收期。",
            "各地对外出务工人员实行跟踪管理，确保稳得住、留得下。",
        ],
        note="named programme; cadre mobilisation (一把手工程, 访惠聚)",
    ),
    Doc(
        path="/xinwen/202403/t20240312_125900.html",
        source="demo-xinwen",
        title="阿克苏：就地就近就业让群众在家门口增收",
        date="2024-03-12",
        info="发布时间：2024-03-12 09:02　来源：示范融媒体中心",
        outlet="示范融媒体中心",
        flagged=True,
        paras=[
            "今年以来，阿克苏地区依托扶贫车间和卫星工厂，引导群众就地就近就业。",
            "地区建立就业监测预警机制，防止出现规模性失业。",
            "对脱贫劳动力实行动态管理，开展稳岗服务。",
            "走进温宿县一家服装厂，女工们正在缝纫机前忙碌。",
            "今年1至2月，全地区实现农村劳动力转移就业3.4万人次。",
            "地区还举办了多场技能大赛，营造了良好氛围。",
        ],
        note="softer post-2021 wording (稳岗, 监测预警, 就地就近就业)",
    ),
    Doc(
        path="/xinwen/202302/t20230228_122560.html",
        source="demo-xinwen",
        title="疏附县140名务工人员乘包机赴内地就业",
        date="2023-02-28",
        info="发布时间：2023-02-28 18:26　来源：示范晚报　责任编辑：周某",
        outlet="示范晚报",
        flagged=True,
        paras=[
            "2月27日，疏附县140名农村富余劳动力乘坐包机从喀什出发，前往江苏一家电子企业务工。",
            "这是疏附县今年组织的第三批转移内地就业人员。",
            "为做好服务保障，县里选派4名带队干部全程随行，实行集中管理。",
            "当天，喀什机场气温零下五度，但大家热情很高。",
            "据了解，对口援疆省市为务工人员落实了岗位、住宿和交通补贴。",
            "企业负责人表示，欢迎新疆朋友的到来。",
        ],
        note="transfer to another province by charter flight (转移内地)",
    ),
    # ------------------------------ negatives ------------------------------
    Doc(
        path="/xinwen/202304/t20230426_123380.html",
        source="demo-xinwen",
        title="喀什古城迎来旅游旺季 游客感受多彩民俗",
        date="2023-04-26",
        info="发布时间：2023-04-26 15:10　来源：天山示范新闻网",
        outlet="天山示范新闻网",
        flagged=False,
        trap="unrelated",
        paras=[
            "春暖花开，喀什古城迎来旅游旺季。",
            "古城内的手工艺作坊前，游客驻足观看艺人制作土陶和铜器。",
            "每天上午，古城东门都会举行开城仪式，吸引大批游客拍照留念。",
            "今年一季度，喀什地区接待游客人数同比增长四成以上。",
            "当地文旅部门表示，将继续丰富夜间演出和民俗体验项目。",
        ],
        note="culture/tourism; real place name only",
    ),
    Doc(
        path="/xinwen/202305/t20230502_123420.html",
        source="demo-xinwen",
        title="寒潮来袭 北疆多地迎来降温降雪天气",
        date="2023-05-02",
        info="2023年05月02日 07:30　来源：示范气象台",
        outlet="示范气象台",
        flagged=False,
        trap="unrelated",
        paras=[
            "受强冷空气影响，5月2日至4日北疆多地将出现降温、大风和降雪天气。",
            "气象部门预计，部分地区气温将下降10℃以上。",
            "农业部门提醒，各地要做好春播作物和设施农业的防冻工作。",
            "交通部门提醒，过往车辆注意减速慢行。",
        ],
        note="weather",
    ),
    Doc(
        path="/xinwen/202305/t20230530_123780.html",
        source="demo-xinwen",
        title="示范工业园承接电解铝产能转移项目开工 年产能45万吨",
        date="2023-05-30",
        info="发布时间：2023-05-30 10:00　来源：示范日报　责任编辑：王某某",
        outlet="示范日报",
        flagged=False,
        trap="capacity_transfer",
        paras=[
            "5月29日，示范工业园承接电解铝产能转移项目正式开工。",
            "该项目由天河铝业有限公司通过产能置换方式建设，规划年产能45万吨。",
            "项目采用500千安预焙阳极电解槽技术，吨铝直流电耗低于12500千瓦时。",
            "园区负责人表示，承接东部地区电解铝产能向西转移，有利于发挥当地能源优势。",
            "项目建成后预计年产值60亿元，可提供就业岗位1500个。",
        ],
        note="产能转移 moves smelting capacity, not people; also mentions jobs created",
    ),
    Doc(
        path="/xinwen/202306/t20230613_124120.html",
        source="demo-xinwen",
        title="示范有色集团统筹调配富余人员 助力新厂区投产",
        date="2023-06-13",
        info="发布时间：2023-06-13 14:45　来源：示范日报",
        outlet="示范日报",
        flagged=False,
        trap="soe_secondment",
        paras=[
            "为保障新建铝加工厂区按期投产，示范有色集团统筹调配老厂区富余人员320名到新厂区工作。",
            "这些员工均为集团在册职工，劳动合同和薪酬待遇保持不变。",
            "集团人力资源部对转岗员工进行了为期两周的岗位技能培训。",
            "老厂区因产品结构调整，部分生产线已于去年停产。",
            "集团表示，将通过内部调剂、转岗培训等方式妥善安置富余人员。",
        ],
        note="an SOE seconds its own 富余人员 between plants",
    ),
    Doc(
        path="/xinwen/202302/t20230222_122480.html",
        source="demo-xinwen",
        title="四川：开春返岗专列接送农民工 农村劳动力转移就业保持稳定",
        date="2023-02-22",
        info="发布时间：2023-02-22 09:40　来源：示范财经网　责任编辑：何某",
        outlet="示范财经网",
        flagged=False,
        trap="inland_migration",
        paras=[
            "春节过后，四川各地陆续开行返岗专列和定制客车，接送农民工前往广东、浙江等地务工。",
            "四川是劳务输出大省，农村劳动力转移就业规模保持稳定。",
            "各地人社部门在火车站设立服务台，为外出务工人员提供岗位信息。",
            "不少返乡创业人员也在家门口办起了加工厂。",
        ],
        note="labour migration within inland China; transfer vocabulary but no Xinjiang",
    ),
    Doc(
        path="/xinwen/202309/t20230908_125180.html",
        source="demo-xinwen",
        title="甘肃千余名拾花工乘专列赴疆采棉",
        date="2023-09-08",
        info="发布时间：2023-09-08 20:15　来源：示范晚报　责任编辑：周某",
        outlet="示范晚报",
        flagged=False,
        trap="inbound_han_workers",
        paras=[
            "9月7日，1200余名甘肃拾花工乘坐专列从定西出发，前往阿克苏地区采摘棉花。",
            "甘肃每年秋季都有大批群众赴疆拾花，这已成为当地劳务输出的一张名片。",
            "拾花工们将在棉田工作两个月左右，人均收入预计超过1万元。",
            "阿克苏棉区今年棉花长势良好，机采率进一步提高。",
        ],
        note="Han cotton pickers moving INTO Xinjiang (destination is a southern prefecture)",
    ),
    Doc(
        path="/xinwen/202307/t20230720_124610.html",
        source="demo-xinwen",
        title="天河铝业二期绿色低碳铝项目投产",
        date="2023-07-20",
        info="发布时间：2023-07-20 16:30　来源：示范财经网",
        outlet="示范财经网",
        flagged=False,
        trap="company_no_labour",
        paras=[
            "7月19日，天河铝业有限公司二期绿色低碳铝项目首批电解槽通电投产。",
            "二期项目设计年产能20万吨，投产后公司电解铝总产能将达到60万吨。",
            "项目配套建设了光伏发电设施，每年可减少二氧化碳排放约30万吨。",
            "公司上半年实现铝产品产量28.6万吨，同比增长7.4%。",
        ],
        note="smelter production news naming a fictional company; no labour content",
    ),
    Doc(
        path="/xinwen/202306/t20230622_124300.html",
        source="demo-xinwen",
        title="美方将天河铝业等6家中国企业列入实体清单",
        date="2023-06-22",
        info="发布时间：2023-06-22 22:10　来源：示范财经网　责任编辑：何某",
        outlet="示范财经网",
        flagged=False,
        trap="sanctions",
        paras=[
            "美国有关部门当地时间21日宣布，将天河铝业有限公司、昆仑碳素有限责任公司等6家中国企业列入出口管制实体清单。",
            "美方以所谓“强迫劳动”为由，限制上述企业获取美国产品和技术。",
            "天河铝业有限公司当天发表声明，表示公司依法合规经营，将采取措施维护自身权益。",
            "分析人士认为，此举将对相关企业的海外业务造成一定影响。",
        ],
        note="sanctions news naming fictional companies; no transfer described",
    ),
    Doc(
        path="/xinwen/202308/t20230811_124950.html",
        source="demo-xinwen",
        title="所谓新疆“强迫劳动”是彻头彻尾的谎言",
        date="2023-08-11",
        info="2023年08月11日 10:12　来源：示范评论　作者：钟某",
        outlet="示范评论",
        flagged=False,
        trap="rebuttal",
        paras=[
            "近来，个别西方政客和媒体再次炒作所谓新疆“强迫劳动”问题。",
            "个别反华势力把新疆劳动力转移就业歪曲为“强迫劳动”，完全是颠倒黑白。",
            "新疆各族群众外出务工完全出于自愿，劳动权益依法受到保障。",
            "事实胜于雄辩，任何抹黑都阻挡不了新疆发展的步伐。",
        ],
        note="rebuttal: one sentence contains 劳动力转移就业 only as a 'smear'; no concrete transfer",
    ),
    Doc(
        path="/xinwen/202310/t20231005_125400.html",
        source="demo-xinwen",
        title="Tourists flock to Kashgar old city during Golden Week",
        date="2023-10-05",
        info="Updated: 2023-10-05 19:02 | Source: Tianshan Demo Daily",
        outlet="Tianshan Demo Daily",
        flagged=False,
        script="latin",
        trap="unrelated",
        paras=[
            "Kashgar's old city received more than 200,000 visitors during the first five days of the National Day holiday.",
            "Visitors watched craftsmen make pottery and copperware in the narrow lanes.",
            "Local hotels reported occupancy rates above 90 percent.",
        ],
        note="English, unrelated tourism news",
    ),
]

# Error and odd pages linked from the xinwen listings (see build_site for how each is produced).
XINWEN_MISSING = "/xinwen/202304/t20230420_100404.html"  # listed, never written: 404
XINWEN_SLOW = Doc(
    path="/xinwen/202306/t20230630_100888.html",
    source="demo-xinwen",
    title="示范地区全面部署夏季防汛工作",
    date="2023-06-30",
    info="发布时间：2023-06-30 08:00　来源：天山示范新闻网",
    outlet="天山示范新闻网",
    flagged=False,
    paras=[
        "近日，示范地区召开防汛工作会议，部署汛期各项工作。",
        "会议要求各地加强值班值守，及时发布预警信息。",
    ],
    note="served only after a 4 s delay; the demo source's download_timeout is 2 s",
)
XINWEN_NO_TEXT = "/xinwen/202306/t20230620_100777.html"  # scripts and menus only

# ---------------------------------------------------------------------------------------------
# 示范地区人力资源和社会保障局 (government notices, GBK bytes)
# ---------------------------------------------------------------------------------------------

GOV_ORG = "示范地区人力资源和社会保障局"

GOV: list[Doc] = [
    Doc(
        path="/gov/tzgg/202304/t20230412_88001.html",
        source="demo-gov",
        title="关于下达2023年农村富余劳动力转移就业目标任务的通知",
        date="2023-04-12",
        info="",
        flagged=True,
        extra={
            "docno": "示人社发〔2023〕12号",
            "chengwen": "2023-04-10",
            "header": "utf-8",
            "table": "quota",
        },
        paras=[
            "各县（市）人力资源和社会保障局，开发区人社分局：",
            "为深入推进农村富余劳动力转移就业工作，现将2023年目标任务下达给你们，请认真抓好落实。",
            "一、目标任务",
            "全地区全年完成农村富余劳动力转移就业8.5万人次，其中有组织转移不低于6万人次。",
            "二、工作要求",
            "各县（市）要将任务纳入年度绩效考核，与乡镇层层签订目标责任状。",
            "要坚持一把手工程，主要负责同志亲自抓、负总责。",
            "要加强与疆内外用工企业的劳务合作对接，优先组织建档立卡贫困劳动力外出就业。",
            "对外出人员要做好跟踪管理，在用工集中地设立服务管理工作站。",
            "三、考核办法",
            "任务完成情况每月通报一次，年底进行考核。",
        ],
        note="GBK bytes, <meta charset=gbk>, but HTTP header says utf-8 (mislabelled)",
    ),
    Doc(
        path="/gov/tzgg/202305/t20230518_88007.html",
        source="demo-gov",
        title="关于做好南疆四地州有组织、成规模转移就业工作的通知",
        date="2023-05-18",
        info="",
        flagged=True,
        extra={"docno": "示人社发〔2023〕19号", "chengwen": "2023-05-16", "header": "utf-8"},
        paras=[
            "各县（市）人力资源和社会保障局：",
            "为促进南疆四地州群众稳定就业，现就做好有组织、成规模转移就业工作通知如下。",
            "一、精心组织输送。各地要采取专列、包机、大巴等方式集中输送，确保外出人员安全抵岗。",
            "二、强化岗前培训。外出人员出发前须参加不少于15天的集中培训，重点开展国家通用语言、法律法规和感党恩教育。",
            "三、加强跟踪管理。用工企业集中的地区要设立服务管理工作站，实行统一管理。",
            "四、压实工作责任。各地要把转移就业工作作为一把手工程，对未完成任务的单位进行约谈。",
            "本通知自印发之日起施行。",
        ],
        note="GBK bytes, <meta charset=gbk>, but HTTP header says utf-8 (mislabelled)",
    ),
    Doc(
        path="/gov/tzgg/202303/t20230301_87990.html",
        source="demo-gov",
        title="示范地区“转移就业扶持一批”实施方案（2023—2025年）",
        date="2023-03-01",
        info="",
        flagged=True,
        extra={
            "docno": "示人社发〔2023〕5号",
            "chengwen": "2023-02-27",
            "header": "utf-8",
            "no_meta": "1",
        },
        paras=[
            "为深入实施转移就业扶持一批工程，结合我区实际，制定本方案。",
            "（一）疆内跨地区转移。依托北疆企业用工需求，每年组织疆内跨地区转移就业不少于2万人。",
            "（二）转移内地就业。配合对口援疆省市做好岗位对接，每年转移内地就业不少于3000人。",
            "（三）就地就近就业。鼓励发展卫星工厂和扶贫车间，吸纳脱贫群众在家门口就业。",
            "（四）加强政策扶持。对组织转移就业的人力资源服务机构，按每人200元给予补贴。",
            "本方案由示范地区人力资源和社会保障局负责解释。",
        ],
        note="GBK bytes, NO <meta charset>, HTTP header says utf-8",
    ),
    Doc(
        path="/gov/tzgg/202306/t20230610_88012.html",
        source="demo-gov",
        title="关于印发《农村富余劳动力转移就业服务管理办法》的通知",
        date="2023-06-10",
        info="",
        flagged=True,
        extra={"docno": "示人社规〔2023〕3号", "chengwen": "2023-06-08", "header": "gbk"},
        paras=[
            "各县（市）人力资源和社会保障局：",
            "现将《农村富余劳动力转移就业服务管理办法》印发给你们，请遵照执行。",
            "第一条　为加强对南疆四地州转移就业人员的服务，制定本办法。",
            "第二条　外出务工人员在用工企业实行集中居住、集中管理。",
            "第三条　用工企业应当每周组织不少于10课时的国语培训。",
            "第四条　带队干部应当对外出人员实行跟踪管理，及时掌握思想动态。",
            "第五条　本办法自发布之日起施行。",
        ],
        note="correct header (charset=gbk)",
    ),
    Doc(
        path="/gov/tzgg/202307/t20230725_88020.html",
        source="demo-gov",
        title="关于拨付2023年上半年农村劳动力转移就业补贴资金的通知",
        date="2023-07-25",
        info="",
        flagged=True,
        extra={"docno": "示人社发〔2023〕27号", "chengwen": "2023-07-24", "header": "none"},
        paras=[
            "各县（市）人力资源和社会保障局、财政局：",
            "根据有关规定，现拨付2023年上半年农村劳动力转移就业交通补贴和一次性求职补贴资金共计1260万元。",
            "补贴对象为和田、喀什籍通过有组织转移在疆内跨地区或内地稳定就业3个月以上的脱贫群众。",
            "各县（市）要在10个工作日内将资金足额发放到人。",
            "资金使用情况将纳入年度审计。",
        ],
        note="header 'text/html' without charset; <meta charset=gbk>",
    ),
    # ------------------------------ negatives ------------------------------
    Doc(
        path="/gov/tzgg/202301/t20230120_87960.html",
        source="demo-gov",
        title="关于调整2023年退休人员基本养老金的通知",
        date="2023-01-20",
        info="",
        flagged=False,
        trap="unrelated",
        extra={"docno": "示人社发〔2023〕2号", "chengwen": "2023-01-18", "header": "gbk"},
        paras=[
            "各县（市）人力资源和社会保障局、财政局：",
            "经研究，决定从2023年1月1日起调整退休人员基本养老金。",
            "一、调整范围。2022年12月31日前已按规定办理退休手续并按月领取基本养老金的人员。",
            "二、调整水平。全地区退休人员月人均基本养老金提高3.8%。",
            "三、工作要求。各地要确保调整增加的养老金按时足额发放。",
        ],
        note="pension adjustment",
    ),
    Doc(
        path="/gov/tzgg/202302/t20230228_87975.html",
        source="demo-gov",
        title="关于举办2023年“春风行动”专场招聘会的通知",
        date="2023-02-28",
        info="",
        flagged=False,
        trap="unrelated",
        extra={"docno": "示人社函〔2023〕8号", "chengwen": "2023-02-27", "header": "utf-8"},
        paras=[
            "各有关单位：",
            "为帮助求职者和用人单位对接，定于2023年3月8日在示范地区人力资源市场举办专场招聘会。",
            "本次招聘会预计有120家用人单位参加，提供岗位3000余个。",
            "求职者请携带身份证和个人简历免费入场。",
            "联系电话：0999-1234567",
        ],
        note="local job fair, no transfer content; also mislabelled (utf-8 header, GBK bytes)",
    ),
    Doc(
        path="/gov/tzgg/202308/t20230815_88025.html",
        source="demo-gov",
        title="关于做好高温天气劳动保护工作的通知",
        date="2023-08-15",
        info="",
        flagged=False,
        trap="unrelated",
        extra={"docno": "示人社发〔2023〕31号", "chengwen": "2023-08-14", "header": "gbk"},
        paras=[
            "各县（市）人力资源和社会保障局，各有关企业：",
            "入夏以来，我区持续出现高温天气。",
            "各用人单位要合理安排工作时间，日最高气温达到40℃以上时应当停止当日室外露天作业。",
            "用人单位应当按规定向劳动者发放高温津贴。",
        ],
        note="heat protection; unrelated",
    ),
    Doc(
        path="/gov/tzgg/202309/t20230905_88031.html",
        source="demo-gov",
        title="关于公布2023年度工程系列中级职称评审结果的通知",
        date="2023-09-05",
        info="",
        flagged=False,
        trap="unrelated",
        extra={"docno": "示人社函〔2023〕40号", "chengwen": "2023-09-04", "header": "gbk"},
        paras=[
            "各有关单位：",
            "经评审委员会评审，张某等86名同志具备工程系列中级专业技术职务任职资格。",
            "现予以公布，资格取得时间为2023年8月30日。",
        ],
        note="professional title results; unrelated",
    ),
]

GOV_MISSING = "/gov/tzgg/202306/t20230630_88404.html"  # listed, never written: 404
PRIVATE = "/private/x.html"  # disallowed by robots.txt; linked from the gov listing

# ---------------------------------------------------------------------------------------------
# 天河铝业有限公司 (company site, UTF-8; news pages and PDF reports)
# ---------------------------------------------------------------------------------------------

COMPANY = "天河铝业有限公司"

COMPANY_NEWS: list[Doc] = [
    Doc(
        path="/company/news/2023/n20230512_01.html",
        source="demo-company",
        title="公司举行2023年南疆新员工欢迎仪式",
        date="2023-05-12",
        info="发布日期：2023-05-12　来源：党群工作部　浏览次数：1024",
        outlet=COMPANY,
        flagged=True,
        paras=[
            "5月11日，公司在职工活动中心举行欢迎仪式，迎接乘坐专列从和田地区抵达的1236名新员工。",
            "公司党委书记在致辞中表示，公司将全力做好转移就业人员的生活保障。",
            "新员工将参加为期一个月的岗前培训和国语培训。",
            "公司为新员工准备了崭新的宿舍和清真餐厅。",
            "仪式上，新员工代表发言表示要感党恩、听党话、跟党走。",
            "公司现有电解铝产能40万吨，是示范工业园的骨干企业。",
        ],
        note="company welcomes transferred workers (matches the xinwen special-train story)",
    ),
    Doc(
        path="/company/news/2023/n20230701_01.html",
        source="demo-company",
        title="公司党委开展民族团结联谊活动",
        date="2023-07-01",
        info="发布日期：2023年07月01日　来源：党群工作部",
        outlet=COMPANY,
        flagged=True,
        paras=[
            "公司党委组织南疆籍员工开展民族团结联谊活动。",
            "今年以来，公司共接收和田、喀什两地有组织转移的富余劳动力1860人。",
            "公司在生活区设立服务管理工作站，由当地派驻干部与企业共同实行集中管理。",
            "活动中，员工们表演了歌舞节目。",
            "公司还组织员工开展国家通用语言竞赛，30名员工获奖。",
        ],
    ),
    Doc(
        path="/company/news/2023/n20230310_01.html",
        source="demo-company",
        title="公司2022年电解铝产量再创新高",
        date="2023-03-10",
        info="发布日期：2023-03-10　来源：生产技术部",
        outlet=COMPANY,
        flagged=False,
        trap="company_no_labour",
        paras=[
            "2022年，公司完成电解铝产量41.2万吨，同比增长5.3%。",
            "铝液直供率达到72%，吨铝综合交流电耗同比下降86千瓦时。",
            "公司全年实现营业收入152亿元。",
        ],
        note="production figures only",
    ),
    Doc(
        path="/company/news/2023/n20230606_01.html",
        source="demo-company",
        title="公司启动2023年“安全生产月”活动",
        date="2023-06-06",
        info="发布日期：2023-06-06　来源：安全环保部",
        outlet=COMPANY,
        flagged=False,
        trap="unrelated",
        paras=[
            "6月1日，公司召开动员大会，启动2023年安全生产月活动。",
            "活动期间，公司将开展隐患排查、应急演练和安全知识竞赛。",
            "各分厂负责人签订了安全生产承诺书。",
        ],
    ),
    Doc(
        path="/company/news/2023/n20230820_01.html",
        source="demo-company",
        title="公司与示范理工大学签署产学研合作协议",
        date="2023-08-20",
        info="发布日期：2023-08-20　来源：技术中心",
        outlet=COMPANY,
        flagged=False,
        trap="unrelated",
        paras=[
            "8月18日，公司与示范理工大学签署产学研合作协议。",
            "双方将在高性能铝合金材料和电解槽节能技术方面开展联合攻关。",
            "学校每年将选派研究生到公司技术中心实习。",
        ],
    ),
]

# The same article on a second outlet: the company site reposts the news site's special-train
# story word for word (媒体聚焦, 来源 named). Both are stored, each with its hits; a repost cluster
# links them and a citation of the copy names the earliest-known one (db/clusters.py).
REPOSTED = XINWEN[0]
COMPANY_REPOST = Doc(
    path="/company/news/2023/n20230511_01.html",
    source="demo-company",
    title="【媒体聚焦】" + REPOSTED.title,
    date="2023-05-11",
    info="发布日期：2023-05-11　来源：天山示范新闻网　（转载）",
    outlet=COMPANY,
    flagged=True,
    paras=list(REPOSTED.paras),
    extra={"repost_of": REPOSTED.path},
    note="repost of the news site's special-train story (a repost cluster across two outlets)",
)
COMPANY_NEWS.append(COMPANY_REPOST)

COMPANY_OVERSIZED = "/company/news/2023/n20230901_01.html"  # server streams ~3 MB
COMPANY_BROKEN_PDF = "/company/reports/files/tianhe-2021-esg.pdf"

COMPANY_IR_PAGE = Doc(
    path="/company/reports/files/ir-contact.html",
    source="demo-company",
    title="投资者关系联系方式",
    date="2023-04-28",
    info="发布日期：2023-04-28　来源：证券事务部",
    outlet=COMPANY,
    flagged=False,
    trap="unrelated",
    paras=[
        "投资者如需了解公司定期报告，可通过以下方式与证券事务部联系。",
        "联系电话：0999-7654321。",
        "电子邮箱：ir@tianhe.example。",
    ],
    note="non-report page linked from the reports listing",
)


@dataclass
class Report:
    """A PDF report: sections of (heading, paragraphs); a page break before each section."""

    path: str
    title: str
    date: str
    flagged: bool
    sections: list[tuple[str, list[str]]]
    trap: str | None = None
    note: str = ""


REPORTS: list[Report] = [
    Report(
        path="/company/reports/files/tianhe-2022-csr.pdf",
        title="天河铝业有限公司2022年度社会责任报告",
        date="2023-04-28",
        flagged=True,
        note="CSR report; the 员工关爱 section describes receiving transferred workers",
        sections=[
            (
                "董事长致辞",
                [
                    "2022年是公司发展史上极不平凡的一年。",
                    "面对复杂多变的市场环境，公司坚持绿色发展，全年生产经营保持平稳。",
                    "我们将继续履行社会责任，与利益相关方共同成长。",
                ],
            ),
            (
                "一、公司概况",
                [
                    "天河铝业有限公司成立于2009年，主营电解铝、铝合金和铝加工产品。",
                    "公司现有电解铝产能40万吨，铝加工产能15万吨。",
                    "2022年，公司实现营业收入152亿元，上缴税费9.6亿元。",
                ],
            ),
            (
                "二、绿色发展",
                [
                    "公司持续推进节能降碳，吨铝综合交流电耗降至13350千瓦时。",
                    "全年回收利用铝灰渣2.1万吨，固体废物综合利用率达到96%。",
                ],
            ),
            (
                "三、员工关爱",
                [
                    "公司坚持以人为本，依法保障员工合法权益。",
                    "2022年，公司积极响应转移就业扶持政策，共接收和田、喀什两地有组织转移的农村富余劳动力2140人。",
                    "务工人员乘坐专列抵达后，公司安排专人接站，由当地派驻干部协助开展跟踪管理。",
                    "公司对南疆籍员工实行集中管理，配备专职管理人员和双语辅导员。",
                    "公司每周开展国语培训三次，全年累计培训4.2万人次。",
                    "公司与输出地人社部门建立了劳务合作对接机制，定期通报员工在岗情况。",
                    "员工平均月收入4300元，较上年增长6.2%。",
                    "公司全年组织员工健康体检3800人次。",
                ],
            ),
            (
                "四、社会公益",
                [
                    "公司全年向周边社区捐赠物资折合人民币320万元。",
                    "公司资助示范理工大学设立奖学金，每年奖励优秀学生50名。",
                ],
            ),
        ],
    ),
    Report(
        path="/company/reports/files/tianhe-2022-annual.pdf",
        title="天河铝业有限公司2022年年度报告",
        date="2023-03-30",
        flagged=False,
        trap="company_no_labour",
        note="annual report with production and staff figures only",
        sections=[
            (
                "第一节　重要提示",
                [
                    "公司董事会及全体董事保证本报告内容的真实、准确和完整。",
                    "本报告所涉及的未来计划不构成公司对投资者的实质承诺。",
                ],
            ),
            (
                "第二节　公司简介和主要财务指标",
                [
                    "2022年，公司实现营业收入152.3亿元，同比增长8.1%。",
                    "归属于股东的净利润18.7亿元，同比增长12.4%。",
                    "报告期末，公司总资产286.5亿元。",
                ],
            ),
            (
                "第三节　管理层讨论与分析",
                [
                    "报告期内，公司生产电解铝41.2万吨，生产铝合金棒9.8万吨。",
                    "公司在职员工的数量合计3812人，其中生产人员3105人，技术人员402人。",
                    "二期绿色低碳铝项目建设进展顺利，预计2023年下半年投产。",
                ],
            ),
        ],
    ),
]

# ---------------------------------------------------------------------------------------------
# An attachment: the quota notice links its 分解表 as a Word file (captured as a document too)
# ---------------------------------------------------------------------------------------------

GOV_ATTACHMENT = Doc(
    path="/gov/tzgg/202304/P020230412_quota.docx",
    source="demo-gov",
    title="2023年目标任务分解表",
    date="2023-04-12",
    info="",
    flagged=True,
    paras=[
        "各县（市）要按照本表组织农村富余劳动力有组织转移就业，确保完成全年目标任务。",
        "跨地区转移人员由各县（市）统一组织，集中输送至接收企业。",
        "演示文件，内容虚构 / Demo document: invented content",
    ],
    extra={"attached_to": "/gov/tzgg/202304/t20230412_88001.html"},
    note="Word attachment (.docx) linked from the quota notice; its table carries no terms",
)

# ---------------------------------------------------------------------------------------------
# A day later: the site as the demo's second crawl finds it (demo.server's "later" state)
# ---------------------------------------------------------------------------------------------

# an article revised after publication (a figure changed): a second version of the page
LATER_EDITED = {"/xinwen/202304/t20230418_123301.html": ("38.6%", "41.2%")}
# an article deleted after being cited (404, and dropped from its listing): a recorded removal
LATER_DELETED = ["/xinwen/201911/t20191125_100321.html"]
