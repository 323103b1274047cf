# ruff: noqa: E501  (a data table of Japanese sentences: wrapping them would not help the reader)
"""Realistic, varied demo 求人票, the same for the same seed (dates follow `today`)."""

from __future__ import annotations

import calendar
import datetime as dt
import random
import zlib
from collections.abc import Iterator

from webapp.clock import JST
from webapp.demo.posting_details import details
from webapp.postings import catalog
from webapp.postings.service import complete

# Rough shares of job openings by prefecture (population-weighted), so Tokyo has most.
PREFECTURE_WEIGHTS = {
    "01": 5.1, "02": 1.2, "03": 1.2, "04": 2.3, "05": 0.9, "06": 1.0, "07": 1.8, "08": 2.8,
    "09": 1.9, "10": 1.9, "11": 7.3, "12": 6.3, "13": 14.0, "14": 9.2, "15": 2.1, "16": 1.0,
    "17": 1.1, "18": 0.75, "19": 0.8, "20": 2.0, "21": 1.9, "22": 3.6, "23": 7.5, "24": 1.7,
    "25": 1.4, "26": 2.5, "27": 8.8, "28": 5.4, "29": 1.3, "30": 0.9, "31": 0.55, "32": 0.65,
    "33": 1.8, "34": 2.7, "35": 1.3, "36": 0.7, "37": 0.9, "38": 1.3, "39": 0.7, "40": 5.1,
    "41": 0.8, "42": 1.3, "43": 1.7, "44": 1.1, "45": 1.0, "46": 1.6, "47": 1.5,
}  # fmt: skip

NAME_STEMS = (
    "あおば", "さくら", "ひまわり", "みどり", "大和", "東洋", "中央", "北斗", "日進", "昭和",
    "旭", "富士", "若葉", "光", "朝日", "明和", "三和", "丸山", "青山", "緑風", "はるかぜ",
    "つばさ", "なごみ", "やまびこ", "白鳥", "平和", "共栄", "協和", "誠和", "ひかり", "松風",
    "あさひ", "千歳", "双葉", "栄光", "新星", "豊和", "清流", "さつき", "すずらん",
)  # fmt: skip

# (kind of employer, name pattern, 事業内容)
EMPLOYERS = {
    "care": (("社会福祉法人{s}会", "株式会社{s}ケアサービス", "医療法人{s}会"),
             "特別養護老人ホーム、デイサービス、訪問介護事業所の運営"),
    "medical": (("医療法人社団{s}会", "医療法人{s}会 {c}クリニック"),
                "病院・診療所の運営（内科、整形外科、リハビリテーション科）"),
    "nursery": (("社会福祉法人{s}福祉会", "株式会社{s}キッズ"), "認可保育所・学童保育の運営"),
    "it": (("株式会社{s}システムズ", "{s}情報システム株式会社", "株式会社{s}ソフト"),
           "業務システムの受託開発、Webサービスの企画・開発・運用"),
    "office": (("株式会社{s}商事", "{s}産業株式会社", "{c}{s}株式会社"),
               "建築資材・日用品の卸売業"),
    "retail": (("株式会社{s}ストア", "株式会社スーパー{s}", "{s}ドラッグ株式会社"),
               "食料品・日用品の小売（スーパーマーケット、ドラッグストア）"),
    "food": (("株式会社{s}フーズ", "{s}食品工業株式会社", "株式会社{s}キッチン"),
             "飲食店の経営、惣菜・弁当の製造販売"),
    "factory": (("{s}工業株式会社", "{s}精機株式会社", "株式会社{s}製作所"),
                "自動車部品・産業機械部品の製造"),
    "logistics": (("{s}運輸株式会社", "株式会社{s}ロジスティクス", "{c}{s}運送株式会社"),
                  "一般貨物自動車運送事業、倉庫業"),
    "construction": (("{s}建設株式会社", "株式会社{s}工務店", "{s}電設株式会社"),
                     "土木・建築工事、電気設備工事の設計施工"),
    "security": (("{s}警備保障株式会社", "株式会社{s}セキュリティ"), "施設警備、交通誘導警備"),
    "hotel": (("株式会社{s}観光ホテル", "{c}{s}温泉株式会社"), "ホテル・旅館の経営"),
    "farm": (("農事組合法人{s}ファーム", "株式会社{s}農園"), "野菜・果樹の生産、農産物の加工販売"),
    "cleaning": (("株式会社{s}ビルサービス", "{s}美装株式会社"),
                 "ビル・商業施設の清掃、設備管理"),
    "beauty": (("株式会社{s}ヘアー", "有限会社{s}美容室"), "美容室・理容室の経営"),
}  # fmt: skip

COMMON_NOTES = (
    "未経験の方も先輩スタッフが丁寧に指導しますので、安心して応募してください。",
    "マイカー通勤可（駐車場無料）。",
    "制服を貸与します。",
    "残業は月平均10時間程度です。",
    "資格取得支援制度があります。",
    "60歳以上の方も活躍中です。",
    "応募前の職場見学を歓迎します。",
    "賞与は前年度実績で年2回（計2.0ヶ月分）です。",
)
PART_NOTES = (
    "扶養の範囲内での勤務も相談に応じます。",
    "子育て中の方も働きやすい職場です。学校行事での休みも相談できます。",
    "週3日、1日4時間からの勤務が可能です。",
)


# (大分類, 職種名, employer kind, 仕事内容 sentences, 必要な資格, 必要な経験,
#  monthly lower bound range, hourly lower bound range, share that is part-time, night work)
JOBS = (
    ("A", "店長候補（飲食店）", "food",
     ("飲食店の店舗運営全般をお任せします。", "売上・人件費の管理、アルバイトスタッフの採用と教育を担当します。",
      "入社後は副店長として経験を積み、1年程度で店長を目指していただきます。"),
     ("普通自動車運転免許",), ("飲食店での勤務経験", "不問"), (220, 280), None, 0.0, False),
    ("A", "施設長（介護施設）", "care",
     ("介護付有料老人ホームの施設長として運営全般を担当します。", "職員の労務管理、収支管理、ご家族や関係機関との調整を行います。"),
     ("介護福祉士", "社会福祉士"), ("介護施設での管理職経験（3年以上）",), (300, 400), None, 0.0, False),
    ("B", "看護師（病棟）", "medical",
     ("一般病棟（50床）での看護業務全般をお任せします。", "バイタルチェック、点滴、服薬管理、医師の診療補助を行います。",
      "電子カルテを使用しています。", "夜勤は月4回程度です（2交替制）。"),
     ("正看護師免許",), ("不問",), (250, 310), (1600, 2000), 0.25, True),
    ("B", "准看護師（クリニック外来）", "medical",
     ("内科・整形外科クリニックの外来看護業務です。", "診療補助、採血、注射、患者様への説明を担当します。"),
     ("准看護師免許",), ("不問",), (210, 250), (1400, 1700), 0.4, False),
    ("B", "保育士", "nursery",
     ("認可保育園で0歳から5歳児の保育業務を担当します。", "連絡帳の記入、行事の企画・準備、保護者対応もお願いします。",
      "ICTシステムの導入により書類業務を減らしています。"),
     ("保育士資格",), ("不問",), (200, 250), (1100, 1350), 0.35, False),
    ("B", "介護支援専門員（ケアマネジャー）", "care",
     ("居宅介護支援事業所でのケアプラン作成業務です。", "利用者様宅への訪問、サービス担当者会議の開催、給付管理を行います。",
      "担当件数は35件程度です。", "訪問には社用車を使用します。"),
     ("介護支援専門員", "普通自動車運転免許（AT限定可）"), ("ケアマネジャーとしての実務経験", "不問"), (230, 280), (1400, 1600), 0.15, False),
    ("B", "システムエンジニア", "it",
     ("自社および顧客企業向け業務システムの設計・開発を担当します。", "要件定義からテスト、運用保守まで一貫して携わっていただきます。",
      "使用言語はJava、Python、SQLです。", "在宅勤務（テレワーク）は週2日まで可能です。"),
     ("基本情報技術者（あれば尚可）",), ("Javaによる開発経験（2年以上）", "プログラミング経験"), (250, 380), None, 0.0, False),
    ("B", "Webデザイナー", "it",
     ("自社サービスおよび取引先のWebサイトのデザイン、コーディングを担当します。", "HTML、CSS、JavaScriptを使用します。",
      "PhotoshopやFigmaでのデザイン作成もお願いします。"),
     ("不問",), ("Webデザインの実務経験（1年以上）",), (220, 300), (1200, 1500), 0.1, False),
    ("B", "CADオペレーター", "construction",
     ("建築図面の作成・修正をCADで行います。", "AutoCADおよびJw_cadを使用します。", "設計担当者の指示に基づく作業です。"),
     ("不問",), ("CAD操作の経験",), (200, 260), (1150, 1400), 0.2, False),
    ("B", "理学療法士", "medical",
     ("回復期リハビリテーション病棟での理学療法業務です。", "入院患者様の機能訓練、評価、記録を担当します。"),
     ("理学療法士免許",), ("不問",), (230, 280), (1700, 2100), 0.1, False),
    ("B", "施工管理（建築）", "construction",
     ("住宅・店舗の新築およびリフォーム工事の施工管理業務です。", "工程管理、品質管理、安全管理、協力業者との打合せを担当します。",
      "現場へは社用車で移動します。"),
     ("2級建築施工管理技士", "普通自動車運転免許"), ("建築現場での施工管理経験（3年以上）",), (280, 380), None, 0.0, False),
    ("C", "一般事務", "office",
     ("電話・来客対応、書類作成、データ入力などの一般事務全般です。", "パソコン（Word・Excel）を使用します。",
      "郵便物の仕分けや備品管理もお願いします。"),
     ("不問",), ("不問",), (170, 210), (1000, 1200), 0.4, False),
    ("C", "経理事務", "office",
     ("会計ソフトへの仕訳入力、売掛金・買掛金の管理、請求書の発行を担当します。", "月次決算の補助業務もお願いします。"),
     ("日商簿記検定3級以上",), ("経理事務の経験（1年以上）",), (190, 250), (1100, 1300), 0.3, False),
    ("C", "医療事務", "medical",
     ("クリニック受付での患者様対応、会計、レセプト業務を担当します。", "電子カルテへの入力を行います。"),
     ("医療事務資格（あれば尚可）",), ("不問",), (170, 210), (1050, 1250), 0.5, False),
    ("C", "営業事務", "office",
     ("営業担当者のサポート業務です。", "受発注処理、見積書・納品書の作成、電話対応を担当します。",
      "基幹システムへの入力作業があります。"),
     ("不問",), ("事務経験（あれば尚可）",), (180, 220), (1050, 1250), 0.3, False),
    ("C", "データ入力", "office",
     ("各種伝票や申込書の内容をパソコンで入力する業務です。", "入力内容のチェック作業も行います。"),
     ("不問",), ("パソコンでの文字入力ができる方",), (165, 190), (1000, 1150), 0.7, False),
    ("D", "販売スタッフ（スーパー）", "retail",
     ("スーパーマーケットでのレジ業務、品出し、売場づくりを担当します。", "お客様への商品案内もお願いします。"),
     ("不問",), ("不問",), (185, 220), (1000, 1200), 0.7, False),
    ("D", "ルート営業", "office",
     ("既存取引先（工務店・建材店）への訪問営業です。", "新規開拓はほとんどありません。", "受注後の納期調整、見積作成も担当します。"),
     ("普通自動車運転免許（AT限定可）",), ("営業経験（あれば尚可）",), (220, 300), None, 0.0, False),
    ("D", "ドラッグストア販売員", "retail",
     ("ドラッグストアでの接客販売、レジ、品出し、発注業務です。", "医薬品・化粧品の説明を行います。"),
     ("登録販売者（あれば尚可）",), ("不問",), (190, 240), (1050, 1250), 0.55, False),
    ("E", "介護職員（特別養護老人ホーム）", "care",
     ("特別養護老人ホームで入居者様の介護業務全般をお任せします。", "食事、入浴、排泄の介助、レクリエーションの実施を行います。",
      "ユニット型（1ユニット10名）の施設です。", "夜勤は月4〜5回程度です。"),
     ("介護職員初任者研修修了者", "介護福祉士（あれば尚可）"), ("介護業務の経験（あれば尚可）", "不問"), (190, 240), (1100, 1350), 0.3, True),
    ("E", "訪問介護員（ホームヘルパー）", "care",
     ("利用者様のご自宅を訪問し、身体介護・生活援助を行います。", "1件あたり30分〜1時間程度のサービスです。",
      "訪問には事業所の車または自転車を使用します。"),
     ("介護職員初任者研修修了者", "普通自動車運転免許（AT限定可）"), ("不問",), (190, 230), (1200, 1600), 0.6, False),
    ("E", "介護職員（デイサービス）", "care",
     ("デイサービスセンターでの介護業務です。", "送迎、入浴介助、機能訓練の補助、レクリエーションを担当します。",
      "夜勤はありません。"),
     ("介護職員初任者研修修了者（あれば尚可）", "普通自動車運転免許（AT限定可）"), ("不問",), (180, 220), (1050, 1300), 0.5, False),
    ("E", "調理師", "food",
     ("和食レストランでの調理業務です。", "仕込み、調理、盛付け、厨房内の清掃を担当します。"),
     ("調理師免許（あれば尚可）",), ("調理経験（1年以上）",), (200, 260), (1100, 1350), 0.3, False),
    ("E", "調理補助", "food",
     ("病院・福祉施設の厨房での調理補助業務です。", "野菜の下処理、盛付け、配膳、食器洗浄を担当します。"),
     ("不問",), ("不問",), (165, 195), (1000, 1150), 0.8, False),
    ("E", "ホールスタッフ", "food",
     ("レストランでの接客、オーダー受け、配膳、レジ業務です。", "タブレット端末での注文管理を行います。"),
     ("不問",), ("不問",), (180, 210), (1000, 1200), 0.8, False),
    ("E", "美容師", "beauty",
     ("美容室でのカット、カラー、パーマなどの施術全般です。", "スタイリストとして指名のお客様を担当していただきます。"),
     ("美容師免許",), ("美容室での勤務経験",), (200, 280), (1200, 1500), 0.3, False),
    ("E", "ホテルフロント", "hotel",
     ("ホテルのフロントでのチェックイン・チェックアウト業務、予約管理、電話対応です。",
      "外国人のお客様も多く、簡単な英語での対応があります。"),
     ("不問",), ("接客経験（あれば尚可）",), (190, 230), (1100, 1300), 0.25, True),
    ("F", "施設警備員", "security",
     ("オフィスビル・商業施設での警備業務です。", "出入管理、巡回、防災センターでのモニター監視を担当します。",
      "24時間勤務（仮眠4時間）のシフトがあります。"),
     ("不問",), ("不問",), (190, 240), (1100, 1300), 0.2, True),
    ("F", "交通誘導警備員", "security",
     ("道路工事・建築現場での車両および歩行者の誘導業務です。", "現場へは直行直帰が可能です。",
      "法定研修（有給）を受講していただきます。"),
     ("不問",), ("不問",), (190, 230), (1150, 1350), 0.4, False),
    ("G", "農作業員", "farm",
     ("野菜（トマト、きゅうり）の栽培・収穫・出荷作業です。", "ビニールハウスでの作業が中心です。"),
     ("普通自動車運転免許（AT限定可）",), ("不問",), (170, 210), (1000, 1150), 0.5, False),
    ("G", "造園作業員", "construction",
     ("個人宅・公共施設の植木の剪定、草刈り、植栽工事です。", "トラックで現場へ移動します。"),
     ("普通自動車運転免許",), ("不問",), (200, 260), None, 0.0, False),
    ("H", "製造スタッフ（食品）", "food",
     ("食品工場での弁当・惣菜の製造ラインでの作業です。", "盛付け、包装、検品を担当します。", "衛生管理を徹底した工場です。"),
     ("不問",), ("不問",), (170, 205), (1000, 1200), 0.6, True),
    ("H", "機械オペレーター", "factory",
     ("NC旋盤・マシニングセンタによる金属部品の加工業務です。", "プログラムの入力、段取り、寸法検査を行います。"),
     ("不問",), ("機械加工の経験（あれば尚可）",), (200, 260), (1100, 1300), 0.1, True),
    ("H", "溶接工", "factory",
     ("産業機械フレームの溶接作業です。", "半自動溶接、TIG溶接を行います。"),
     ("アーク溶接特別教育修了者",), ("溶接作業の経験",), (220, 300), None, 0.0, False),
    ("H", "検査スタッフ（電子部品）", "factory",
     ("電子部品の外観検査、寸法測定、データ入力です。", "顕微鏡を使用した細かい作業があります。"),
     ("不問",), ("不問",), (175, 210), (1050, 1200), 0.5, False),
    ("H", "自動車整備士", "factory",
     ("乗用車・軽自動車の車検、定期点検、一般整備です。", "タイヤ交換、オイル交換など軽作業もあります。"),
     ("3級自動車整備士以上", "普通自動車運転免許"), ("整備経験（あれば尚可）",), (210, 290), None, 0.0, False),
    ("I", "大型トラック運転手", "logistics",
     ("大型トラック（10トン）での長距離輸送業務です。", "主に関東〜関西間の定期便です。", "荷物はパレット積みで手積みはほとんどありません。"),
     ("大型自動車運転免許",), ("大型車の運転経験（1年以上）",), (280, 380), None, 0.0, True),
    ("I", "配送ドライバー（2トン）", "logistics",
     ("2トントラックでのルート配送業務です。", "スーパー・コンビニ各店舗への食品配送を担当します。", "1日15店舗程度を回ります。"),
     ("準中型自動車運転免許（5t限定可）",), ("不問",), (220, 280), (1150, 1350), 0.15, False),
    ("I", "バス運転士", "logistics",
     ("路線バスの運転業務です。", "入社後は養成期間があり、先輩運転士が同乗して指導します。"),
     ("大型自動車第二種運転免許",), ("不問",), (230, 300), None, 0.0, False),
    ("I", "フォークリフト運転作業員", "logistics",
     ("物流倉庫でのフォークリフトによる荷役作業です。", "入出庫、棚入れ、トラックへの積込みを担当します。"),
     ("フォークリフト運転技能講習修了者",), ("不問",), (200, 250), (1100, 1300), 0.25, False),
    ("J", "電気工事士", "construction",
     ("住宅・店舗・工場の電気設備工事です。", "配線工事、照明器具やコンセントの取付け、分電盤の設置を行います。"),
     ("第二種電気工事士",), ("電気工事の経験（あれば尚可）",), (230, 330), None, 0.0, False),
    ("J", "土木作業員", "construction",
     ("道路・河川・上下水道などの公共工事現場での作業です。", "重機オペレーターの補助、資材の運搬を担当します。"),
     ("不問",), ("不問",), (210, 280), None, 0.0, False),
    ("J", "大工", "construction",
     ("木造住宅の新築・リフォーム工事です。", "墨付け、刻み、建方、内装下地の施工を担当します。"),
     ("不問",), ("大工経験（3年以上）",), (250, 350), None, 0.0, False),
    ("K", "倉庫内作業員（ピッキング）", "logistics",
     ("物流センターでの商品のピッキング、検品、梱包作業です。", "ハンディ端末を使用するので初めての方もすぐに慣れます。"),
     ("不問",), ("不問",), (175, 210), (1050, 1250), 0.65, False),
    ("K", "清掃スタッフ（ビル）", "cleaning",
     ("オフィスビルの日常清掃業務です。", "床の掃除機がけ、トイレ清掃、ゴミ回収を担当します。"),
     ("不問",), ("不問",), (165, 190), (1000, 1150), 0.8, False),
    ("K", "包装作業員", "factory",
     ("工場内での製品の箱詰め、ラベル貼り、梱包作業です。", "座り作業が中心です。"),
     ("不問",), ("不問",), (165, 195), (1000, 1150), 0.7, False),
    ("K", "新聞配達員", "logistics",
     ("朝刊の配達業務です。", "バイクでの配達（1日約200部）です。", "配達ルートは丁寧に教えます。"),
     ("普通自動二輪または原付免許",), ("不問",), (170, 200), (1100, 1300), 0.8, True),
)  # fmt: skip

FULL_HOURS = (
    "(1) 08:30〜17:30",
    "(1) 09:00〜18:00",
    "(1) 08:00〜17:00\n(2) 10:00〜19:00",
    "(1) 08:30〜17:15",
    "(1) 07:30〜16:30\n(2) 09:00〜18:00\n(3) 11:00〜20:00",
)
NIGHT_HOURS = (
    "(1) 07:00〜16:00\n(2) 09:00〜18:00\n(3) 16:30〜09:30（夜勤）",
    "(1) 08:00〜17:00\n(2) 20:00〜05:00",
    "(1) 09:00〜翌09:00（24時間勤務、仮眠4時間）",
)
PART_HOURS = (
    "(1) 09:00〜13:00",
    "(1) 10:00〜15:00",
    "(1) 17:00〜22:00",
    "(1) 09:00〜16:00\n週3日〜、1日4時間以上で応相談",
    "(1) 06:00〜10:00",
)
SELECTIONS = ("書類選考 面接（予定1回）", "面接（予定1回）", "書類選考 面接（予定2回） 筆記試験")
TRIALS = (
    "あり（3か月）",
    "あり（6か月）",
    "なし",
)
STREETS = ("本町", "中央", "駅前", "栄町", "緑町", "幸町", "新町", "東町", "西町", "旭町")


# Companies with a 求人者マイページ (an employer account; webapp/demo/employers.py makes
# them): 60 in 100 company names, told by a hash of the name, so a company is the same on
# every posting and every run.
ACCOUNT_SHARE = 60
ONLINE_SHARE = 0.35 / (ACCOUNT_SHARE / 100)


def has_employer_account(company: str) -> bool:
    """Whether the generated company has a 求人者マイページ (the same for every posting)."""
    return zlib.crc32(company.encode()) % 100 < ACCOUNT_SHARE


def _deadline(received: dt.date) -> dt.date:
    """紹介期限日: the last day of the second month after the month received."""
    month = received.month + 2
    year = received.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _round(value: float, step: int) -> int:
    return int(round(value / step) * step)


def generate(count: int, *, seed: int, today: dt.date) -> Iterator[dict]:
    """`count` postings, oldest 受付年月日 first (ids then follow the order they arrived)."""
    rng = random.Random(seed)
    prefectures = list(PREFECTURE_WEIGHTS)
    weights = list(PREFECTURE_WEIGHTS.values())
    # Newer postings are more numerous: most are still open.
    ages = sorted((int(rng.triangular(0, 120, 0)) for _ in range(count)), reverse=True)
    serial_base = rng.randrange(10**7, 5 * 10**7)
    for i, age in enumerate(ages):
        pref = rng.choices(prefectures, weights)[0]
        city = rng.choice(catalog.MUNICIPALITIES[pref])
        (occupation, title, kind, sentences, licenses, experience, monthly, hourly, part_share,
         night) = rng.choice(JOBS)  # fmt: skip
        patterns, business = EMPLOYERS[kind]
        stem = rng.choice(NAME_STEMS)
        company = rng.choice(patterns).format(s=stem, c=city.rstrip("市区町村")[:3])
        part = hourly is not None and rng.random() < part_share
        tokyo_bonus = 1.12 if pref in ("13", "14", "27", "23") else 1.0
        if part and hourly is not None:  # only a job with an hourly range is offered part-time
            employment = "part" if rng.random() < 0.9 else "dispatch_fixed"
            wage_type = "hourly"
            low = _round(rng.uniform(*hourly) * tokyo_bonus, 10)
            high = low + _round(rng.uniform(0, 300), 10)
            hours = rng.choice(PART_HOURS)
        else:
            employment = rng.choices(
                ("regular", "non_regular", "dispatch_fixed", "dispatch_open"), (64, 26, 6, 4)
            )[0]
            wage_type = "monthly"
            low = _round(rng.uniform(*monthly) * 1000 * tokyo_bonus, 1000)
            high = low + _round(rng.uniform(0, 90_000), 5000)
            hours = rng.choice(NIGHT_HOURS if night and rng.random() < 0.6 else FULL_HOURS)
        weekends = not night and rng.random() < (0.55 if kind in ("office", "it") else 0.3)
        if weekends:
            holidays = "土 日 祝日\n週休二日制: 毎週\n年末年始、夏季休暇"
            annual = rng.randint(118, 125)
        elif part:
            holidays = rng.choice(("シフト制（希望休可）", "日 祝日 他\nシフト制"))
            annual = None
        else:
            holidays = rng.choice(
                ("他\nシフト制\n週休二日制: 毎週", "日 祝日 他\n週休二日制: その他（月6日）")
            )
            annual = rng.randint(105, 115)
        age_limit = employment == "regular" and rng.random() < 0.3
        age_detail = rng.choice(("59歳以下", "35歳以下")) if age_limit else ""
        notes = rng.sample(COMMON_NOTES, 2) + ([rng.choice(PART_NOTES)] if part else [])
        description = "\n".join(
            [sentences[0], *rng.sample(sentences[1:], min(2, len(sentences) - 1)), *notes]
        )
        received = today - dt.timedelta(days=age)
        registered = dt.datetime.combine(received, dt.time(8, 30), tzinfo=JST) + dt.timedelta(
            minutes=rng.randrange(0, 540)
        )
        office = f"{pref}{rng.choice(('01', '02', '03', '04'))}0"
        street = (
            f"{rng.choice(STREETS)}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        )
        posting = {
            "job_number": f"{office}-{(serial_base + i * 7919) % 10**8:08d}",
            "office_code": office,
            "status": catalog.STATUS_FILLED if rng.random() < 0.06 else catalog.STATUS_OPEN,
            "received_on": received,
            "referral_deadline": _deadline(received),
            "company_name": company,
            "company_address": f"{catalog.PREFECTURES[pref]}{city}{street}",
            "company_business": business,
            "occupation": occupation,
            "job_title": title,
            "description": description,
            "employment_type": employment,
            "job_category": "part" if part else "full",
            "prefecture_code": pref,
            "municipality": city,
            "work_address": f"{catalog.PREFECTURES[pref]}{city}{street}",
            "wage_type": wage_type,
            "wage_min": low,
            "wage_max": high,
            "working_hours": hours,
            "holidays": holidays,
            "weekends_off": weekends,
            "annual_holidays": annual,
            "age_limit": age_limit,
            "age_limit_detail": age_detail,
            "education": (
                education := rng.choices(("不問", "高卒以上", "大卒以上"), (70, 22, 8))[0]
            ),
            "experience": (needed := rng.choice(experience)),
            "licenses": rng.choice(licenses),
            "insurance": "雇用 労災" if part and rng.random() < 0.5 else "雇用 労災 健康 厚生",
            "trial_period": rng.choice(TRIALS),
            "selection_method": rng.choice(SELECTIONS),
            "openings": rng.choice((1, 1, 1, 2, 2, 3, 5)),
            # オンライン自主応募 needs a 求人者マイページ (webapp/postings/online.py): only a
            # company that has one offers it (on about 58% of its postings, 35% of all).
            "online_application": rng.random() < ONLINE_SHARE and has_employer_account(company),
            "registered_at": registered.astimezone(dt.UTC),
            "updated_at": registered.astimezone(dt.UTC),
        }
        posting.update(
            details(
                # Its own stream, so the fields above stay as earlier releases made them
                # for the same seed (tests count on which postings a seed makes).
                random.Random(seed * 1_000_003 + i),
                title=title,
                kind=kind,
                city=city,
                employment=employment,
                part=part,
                night=night,
                weekends=weekends,
                wage_type=wage_type,
                low=low,
                high=high,
                age_limit=age_limit,
                education=education,
                experience=needed,
                tokyo=tokyo_bonus > 1,
            )
        )
        yield complete(posting)
