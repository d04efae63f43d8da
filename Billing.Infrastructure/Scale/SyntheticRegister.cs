using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace RedProperty.Billing.Infrastructure.Scale;

/// <param name="Period">The month the data is made for: occupancy changes, parking leases and volunteer work fall in it, scores are given for it, payments follow it.</param>
public sealed record SyntheticOptions(int Communities, int HouseholdsPerCommunity, int Seed, YearMonth Period)
{
    public static readonly YearMonth DefaultPeriod = new(2026, 10);
}

/// <summary>How many rows went into each file.</summary>
public sealed record SyntheticSummary(
    int Communities, long Households, long Occupancy, long MeterReadings, long Scores, long Spaces, long Businesses,
    long Permits, long Releases, long Leases, long PointsEarned, long PointsRedeemed, long Payments);

/// <summary>
/// A synthetic city for scale runs and tests, written as the files the imports read (the register,
/// shared parking, volunteer points, evaluation scores, payments), deterministic by seed: the same
/// options give byte-identical files on any machine (its own SplitMix64 generator, invariant
/// culture, "\n" line ends, UTF-8 without BOM); another seed gives other files. Every file is
/// written as it is generated, a community at a time, so a million households take no more memory
/// than a hundred.
/// </summary>
/// <remarks>
/// Proportions, from the figures in DOMAIN.md where there are any, otherwise ordinary practice:
/// <list type="bullet">
/// <item>Four communities in five are Heze development-zone communities (天创金源, rate book
/// heze-kaifaqu, 2星 at 0.48 yuan/m², district 开发区 so the Heze subsidy applies); the fifth is an
/// example-city community of another operator (rate book example-city-benchmark) at 1星 20%, 2星 40%,
/// 3星 30%, 4星 10%, high-rise in three of ten, a tenth with an agreed price 5% off the standard
/// price, with the book's waste fee, vacancy share and a metered shared-water reading for nine
/// homes in ten. The levels and prices mirror the shipped rate books; the import checks them.</item>
/// <item>Three communities share a zone (Hanyang: 161 communities in 51 zones). Billing starts in
/// January 2022 except for one community in ten, which started up to 18 months later (serve first,
/// charge later), and one in 97, which starts two months after the period (not billed yet).</item>
/// <item>Homes are old-community flats: 10% of 30–50 m², 60% of 50–90 m², 25% of 90–120 m², 5% of
/// 120–150 m²; 12% are let (an occupant besides the owner); 90% left a phone number.</item>
/// <item>Occupancy: 5% vacant since 2 to 23 months before the period; in the period 1% move in (not
/// handed over before), 0.5% move out and 0.5% fall vacant, on a day of the month.</item>
/// <item>Shared parking, in the communities whose operator has parking prices (天创金源): one space
/// per ten homes, at least three (下马湖小区: 3 spaces for 48 households); 85% of spaces hold a
/// resident permit (10% of them from a day in the period, 5% ending in it); a third of the spaces
/// are released in the working-day daytime of the period and 85% of those are leased by the month to
/// one of one to three nearby businesses (Duyun's daytime leases).</item>
/// <item>Volunteer points (天创金源's catalogue): 6% of homes do one to three services in the period,
/// some also in the two months before; a quarter of them redeem, mostly for fee credit. Each
/// community's first volunteer redeems fee credit, and its first space is held, released and
/// leased, so even a small register shows every kind of statement line.</item>
/// <item>Evaluation scores for the subsidised communities for the period and the two months before:
/// 60% score 90–100, 25% 80–89.5, 12% 60–79.5, 3% below 60 (the district pays nothing).</item>
/// <item>Payments, in the month after the period, from 80% of billed homes (Duyun's collection rate
/// rose to 85%, Beicheng agreed 72%): WeChat 45%, Alipay 25%, cash 20%, bank 10%; seven in ten pay
/// a whole occupied month's statement (each line rounded as the engine rounds it), two a round 100
/// or 200 yuan ahead, one about half; homes whose month was not whole leave the difference open
/// or in credit, and the ledger settles it.</item>
/// </list>
/// </remarks>
public static class SyntheticRegister
{
    private const string HezeOperator = "TCJY";
    private const string HezeOperatorName = "天创金源物业公司";
    private const string ExampleOperator = "EXRP";
    private const string ExampleOperatorName = "示例城市红色物业公司";

    // Mirrors rates/fees/example-city-benchmark/2024-01-01.json (multi-storey, high-rise) per star level.
    private static readonly decimal[] ExampleMultiStorey = [0.30m, 0.40m, 0.50m, 0.60m];
    private static readonly decimal[] ExampleHighRise = [0.90m, 1.10m, 1.30m, 1.50m];

    // Mirrors rates/points/tcjy-volunteer/2022-01-01.json.
    private static readonly (string Code, int Points)[] Services = [("cleanup", 10), ("patrol", 20), ("elderly-visit", 30), ("mediation", 50)];

    private static readonly string[] Surnames =
        ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "田", "董", "袁", "潘", "蒋", "蔡", "于", "杜"];

    private static readonly string[] GivenNames =
        ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "玉兰", "国强", "建国", "淑珍", "红梅", "志强", "海燕", "春梅", "德明", "秀兰", "文华", "建军", "丽华"];

    private static readonly string[] Places =
        ["幸福", "和平", "建设", "人民", "东方", "光明", "新华", "胜利", "团结", "文化", "育才", "石化", "纺织", "机械", "粮食", "农机", "电业", "邮电", "税务", "供销", "丰鑫", "龙城", "牡丹", "长城"];

    private static readonly string[] Kinds = ["小区", "家属院", "花园", "新村", "公寓", "宿舍"];

    private static readonly string[] Shops = ["便利店", "餐饮有限公司", "医药连锁", "五金店", "超市", "物流有限公司", "口腔诊所", "培训学校"];

    /// <summary>The register, parking, points, scores and payments of <paramref name="communities"/> communities for October 2026.</summary>
    public static (int Communities, int Households) Write(string folder, int communities, int householdsPerCommunity, int seed)
    {
        var summary = Write(folder, new SyntheticOptions(communities, householdsPerCommunity, seed, SyntheticOptions.DefaultPeriod));
        return (summary.Communities, (int)summary.Households);
    }

    public static SyntheticSummary Write(string folder, SyntheticOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Communities, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HouseholdsPerCommunity, 1);
        Directory.CreateDirectory(folder);
        using var files = new Files(folder);
        var city = new City(options, files);
        for (var i = 1; i <= options.Communities; i++)
        {
            city.WriteCommunity(i);
        }

        return city.Summary();
    }

    /// <summary>SplitMix64: tiny, fast, and the same numbers on every runtime and machine, unlike System.Random's unspecified algorithm.</summary>
    private struct Rng(ulong state)
    {
        private ulong _state = state;

        public static Rng For(int seed, int stream, int index) =>
            new(Mix(((ulong)(uint)seed << 32) ^ ((ulong)(uint)stream << 24) ^ (uint)index));

        public ulong Next()
        {
            _state += 0x9E3779B97F4A7C15UL;
            return Mix(_state);
        }

        /// <summary>0 ≤ result &lt; <paramref name="n"/>.</summary>
        public int Below(int n) => (int)(Next() % (ulong)n);

        public int Between(int from, int to) => from + Below(to - from + 1);

        /// <summary>True <paramref name="perMille"/> times in a thousand (integers, so the draw is exact everywhere).</summary>
        public bool PerMille(int perMille) => Below(1000) < perMille;

        public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];

        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private sealed class Files : IDisposable
    {
        private readonly List<StreamWriter> _all = [];

        public Files(string folder)
        {
            StreamWriter Open(string name, string header)
            {
                var writer = new StreamWriter(Path.Combine(folder, name), append: false, new UTF8Encoding(false), bufferSize: 1 << 16) { NewLine = "\n" };
                writer.WriteLine(header);
                _all.Add(writer);
                return writer;
            }

            Communities = Open("communities.csv", "community_code,community_name,operator_code,operator_name,zone_code,zone_name,city,district,rate_book,building_type,service_level,agreed_price,billing_start");
            Households = Open("households.csv", "household_code,community_code,building,unit,room,building_area_m2,owner_name,occupant_name,phone");
            Occupancy = Open("occupancy.csv", "household_code,status,effective_from");
            Meters = Open("meter_readings.csv", "household_code,period,item_code,quantity");
            Scores = Open("scores.csv", "community_code,period,score");
            Spaces = Open("parking_spaces.csv", "community_code,space_number");
            Businesses = Open("businesses.csv", "credit_code,business_name,contact");
            Permits = Open("parking_permits.csv", "community_code,space_number,household_code,valid_from,valid_to");
            Releases = Open("parking_releases.csv", "community_code,space_number,period,released_by");
            Leases = Open("parking_leases.csv", "community_code,space_number,credit_code,period");
            Earned = Open("points_earned.csv", "reference,household_code,service_code,service_date,confirmed_by");
            Redeemed = Open("points_redeemed.csv", "reference,household_code,reward_code,points,redeemed_on");
            Payments = Open("payments.csv", "channel,reference,household_code,amount,paid_on");
        }

        public StreamWriter Communities { get; }

        public StreamWriter Households { get; }

        public StreamWriter Occupancy { get; }

        public StreamWriter Meters { get; }

        public StreamWriter Scores { get; }

        public StreamWriter Spaces { get; }

        public StreamWriter Businesses { get; }

        public StreamWriter Permits { get; }

        public StreamWriter Releases { get; }

        public StreamWriter Leases { get; }

        public StreamWriter Earned { get; }

        public StreamWriter Redeemed { get; }

        public StreamWriter Payments { get; }

        public void Dispose()
        {
            foreach (var writer in _all)
            {
                writer.Dispose();
            }
        }
    }

    /// <summary>What is known of one home while its community is written.</summary>
    private sealed record Home(string Code, string Name, decimal Area, HomeStatus Status);

    private enum HomeStatus
    {
        Occupied,
        VacantLongTerm,
        MovesIn,
        MovesOut,
        FallsVacant,
    }

    private sealed class City(SyntheticOptions options, Files files)
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
        private static readonly LocalDatePattern Iso = LocalDatePattern.Iso;
        private readonly YearMonth _period = options.Period;
        private readonly string _periodText = YearMonthPattern.Iso.Format(options.Period);
        private long _households, _occupancy, _meters, _scores, _spaces, _businesses, _permits, _releases, _leases, _earned, _redeemed, _payments;

        public SyntheticSummary Summary() =>
            new(options.Communities, _households, _occupancy, _meters, _scores, _spaces, _businesses, _permits, _releases, _leases, _earned, _redeemed, _payments);

        public void WriteCommunity(int i)
        {
            var rng = Rng.For(options.Seed, 1, i);
            var code = $"SYN-{i:D5}";
            var heze = i % 5 != 0;
            var start = i % 97 == 0
                ? _period.PlusMonths(2).OnDayOfMonth(1)
                : i % 10 == 3 ? new LocalDate(2022, 1, 1).PlusMonths(1 + (i % 18)) : new LocalDate(2022, 1, 1);
            var billed = start <= _period.OnDayOfMonth(1);
            var name = Places[(i - 1) % Places.Length] + Kinds[((i - 1) / Places.Length) % Kinds.Length]
                + ((i - 1) / (Places.Length * Kinds.Length) is var round and > 0 ? $"{round + 1}期" : string.Empty);

            // Price per m²; in Heze the district pays 0.10 of it, each rounded on its own line as the statement does.
            decimal price;
            var highRise = false;
            if (heze)
            {
                price = 0.48m;
                var zone = (i - 1) / 3;
                files.Communities.WriteLine(string.Create(Inv,
                    $"{code},{name},{HezeOperator},{HezeOperatorName},SYN-HZ-Z{zone:D3},开发区第{zone + 1}片区,菏泽市,开发区,heze-kaifaqu,multi-storey,2星,,{Iso.Format(start)}"));
            }
            else
            {
                var stars = rng.Below(10) switch { < 2 => 1, < 6 => 2, < 9 => 3, _ => 4 };
                highRise = rng.PerMille(300);
                var standard = (highRise ? ExampleHighRise : ExampleMultiStorey)[stars - 1];
                var agreed = rng.PerMille(100) ? standard * 0.95m : (decimal?)null;
                price = agreed ?? standard;
                var zone = (i - 1) / 3;
                files.Communities.WriteLine(string.Create(Inv,
                    $"{code},{name},{ExampleOperator},{ExampleOperatorName},SYN-EX-Z{zone:D3},示例第{zone + 1}片区,示例城市,示例区,example-city-benchmark,{(highRise ? "high-rise" : "multi-storey")},{stars}星,{agreed?.ToString("0.0000", Inv)},{Iso.Format(start)}"));
            }

            var homes = WriteHouseholds(code, i, highRise, heze, ref rng);
            if (heze && billed)
            {
                WriteScores(code, ref rng);
            }

            if (heze)
            {
                // Only 天创金源 has parking prices and a points catalogue in rates/.
                WriteParking(code, i, homes, ref rng);
                WritePoints(code, homes, ref rng);
            }

            if (billed)
            {
                WritePayments(homes, price, heze, ref rng);
            }
        }

        private List<Home> WriteHouseholds(string community, int i, bool highRise, bool heze, ref Rng rng)
        {
            var floors = highRise ? 18 : 6;
            var perBuilding = 2 * floors * 2;
            var homes = new List<Home>(options.HouseholdsPerCommunity);
            for (var n = 0; n < options.HouseholdsPerCommunity; n++)
            {
                var (building, rest) = Math.DivRem(n, perBuilding);
                var (unit, floorDoor) = Math.DivRem(rest, floors * 2);
                var (floor, door) = Math.DivRem(floorDoor, 2);
                var room = string.Create(Inv, $"{floor + 1}{door + 1:D2}");
                var code = string.Create(Inv, $"{community}-{building + 1:D2}-{unit + 1}-{room}");
                var area = rng.Below(100) switch
                {
                    < 10 => rng.Between(3000, 4999),
                    < 70 => rng.Between(5000, 8999),
                    < 95 => rng.Between(9000, 11999),
                    _ => rng.Between(12000, 15000),
                } / 100m;
                var owner = Person(ref rng);
                var occupant = rng.PerMille(120) ? Person(ref rng) : string.Empty;
                var phone = rng.PerMille(900) ? Phone(ref rng) : string.Empty;
                files.Households.WriteLine(string.Create(Inv, $"{code},{community},{building + 1},{unit + 1},{room},{area:0.00},{owner},{occupant},{phone}"));
                _households++;

                var status = rng.Below(1000) switch
                {
                    < 50 => HomeStatus.VacantLongTerm,
                    < 60 => HomeStatus.MovesIn,
                    < 65 => HomeStatus.MovesOut,
                    < 70 => HomeStatus.FallsVacant,
                    _ => HomeStatus.Occupied,
                };
                var day = _period.OnDayOfMonth(rng.Between(2, 28));
                switch (status)
                {
                    case HomeStatus.VacantLongTerm:
                        Occupancy(code, "vacant", _period.OnDayOfMonth(1).PlusMonths(-2 - rng.Below(22)));
                        break;
                    case HomeStatus.MovesIn:
                        Occupancy(code, "not-billed", new LocalDate(2022, 1, 1));
                        Occupancy(code, "occupied", day);
                        break;
                    case HomeStatus.MovesOut:
                        Occupancy(code, "moved-out", day);
                        break;
                    case HomeStatus.FallsVacant:
                        Occupancy(code, "vacant", day);
                        break;
                }

                if (!heze && status != HomeStatus.VacantLongTerm && rng.PerMille(900))
                {
                    files.Meters.WriteLine(string.Create(Inv, $"{code},{_periodText},shared-water,{rng.Between(5, 60) / 10m:0.0}"));
                    _meters++;
                }

                homes.Add(new Home(code, owner, area, status));
            }

            return homes;
        }

        private void Occupancy(string household, string status, LocalDate from)
        {
            files.Occupancy.WriteLine($"{household},{status},{Iso.Format(from)}");
            _occupancy++;
        }

        private void WriteScores(string community, ref Rng rng)
        {
            for (var back = 2; back >= 0; back--)
            {
                var score = rng.Below(100) switch
                {
                    < 60 => rng.Between(180, 200),
                    < 85 => rng.Between(160, 179),
                    < 97 => rng.Between(120, 159),
                    _ => rng.Between(90, 119),
                } / 2m;
                files.Scores.WriteLine(string.Create(Inv, $"{community},{YearMonthPattern.Iso.Format(_period.PlusMonths(-back))},{score:0.#}"));
                _scores++;
            }
        }

        /// <summary>Spaces, permits, releases and leases of one community.</summary>
        private void WriteParking(string community, int i, List<Home> homes, ref Rng rng)
        {
            var spaces = Math.Max(3, homes.Count / 10);
            var businesses = new List<string>();
            for (var b = 0; b < 1 + rng.Below(3); b++)
            {
                var credit = CreditCode(i, b);
                files.Businesses.WriteLine($"{credit},{Places[rng.Below(Places.Length)]}{Shops[rng.Below(Shops.Length)]},{Person(ref rng)} {Phone(ref rng)}");
                businesses.Add(credit);
                _businesses++;
            }

            // Holders are distinct homes that live there in the period: a partial shuffle of the community's homes.
            var candidates = Enumerable.Range(0, homes.Count).Where(h => homes[h].Status == HomeStatus.Occupied).ToArray();
            var holders = new HashSet<int>();
            var first = _period.OnDayOfMonth(1);
            for (var s = 0; s < spaces; s++)
            {
                var number = string.Create(Inv, $"P-{s + 1:D3}");
                files.Spaces.WriteLine($"{community},{number}");
                _spaces++;
                var held = s == 0 || rng.PerMille(850);
                string releasedBy = "物业公司";
                if (held && holders.Count < candidates.Length)
                {
                    var pick = holders.Count + rng.Below(candidates.Length - holders.Count);
                    (candidates[holders.Count], candidates[pick]) = (candidates[pick], candidates[holders.Count]);
                    var holder = candidates[holders.Count];
                    holders.Add(holder);
                    var kind = s == 0 ? 0 : rng.Below(100);
                    var from = kind switch
                    {
                        < 85 => first.PlusMonths(-1 - rng.Below(30)),
                        < 95 => first.PlusDays(rng.Below(20)),
                        _ => first.PlusMonths(-1 - rng.Below(12)),
                    };
                    var to = kind >= 95 ? Iso.Format(first.PlusDays(10 + rng.Below(15))) : string.Empty;
                    files.Permits.WriteLine($"{community},{number},{homes[holder].Code},{Iso.Format(from)},{to}");
                    _permits++;
                    releasedBy = "业主 " + homes[holder].Name;
                }

                if (s == 0 || rng.PerMille(333))
                {
                    files.Releases.WriteLine($"{community},{number},{_periodText},{releasedBy}");
                    _releases++;
                    if (s == 0 || rng.PerMille(850))
                    {
                        files.Leases.WriteLine($"{community},{number},{businesses[rng.Below(businesses.Count)]},{_periodText}");
                        _leases++;
                    }
                }
            }
        }

        private void WritePoints(string community, List<Home> homes, ref Rng rng)
        {
            var services = 0;
            var redemptions = 0;
            var leader = "楼栋长 " + Person(ref rng);
            for (var h = 0; h < homes.Count; h++)
            {
                // Volunteers are homes lived in all month; the first one always redeems fee credit.
                if (homes[h].Status != HomeStatus.Occupied || !(services == 0 || rng.PerMille(60)))
                {
                    continue;
                }

                var firstVolunteer = services == 0;
                var balance = 0;
                var earlier = firstVolunteer ? 2 : rng.Below(3);
                for (var k = 0; k < earlier + 1 + rng.Below(3); k++)
                {
                    // The earlier services fall in the two months before the period, the rest in its first 24 days.
                    var on = k < earlier ? _period.PlusMonths(-1 - (k % 2)).OnDayOfMonth(1 + rng.Below(28)) : _period.OnDayOfMonth(1 + rng.Below(24));
                    var (service, points) = firstVolunteer && k == 0 ? Services[3] : Services[rng.Below(Services.Length)];
                    files.Earned.WriteLine(string.Create(Inv, $"VS-{community}-{++services:D5},{homes[h].Code},{service},{Iso.Format(on)},{leader}"));
                    _earned++;
                    balance += points;
                }

                if (!(firstVolunteer || rng.PerMille(250)))
                {
                    continue;
                }

                var (reward, cost) = rng.Below(10) switch
                {
                    _ when firstVolunteer => ("fee-credit", 100),
                    < 7 => ("fee-credit", 100),
                    < 9 => ("parking-coupon", 50),
                    _ => ("errand", 30),
                };
                if (balance >= cost)
                {
                    files.Redeemed.WriteLine(string.Create(Inv, $"RD-{community}-{++redemptions:D5},{homes[h].Code},{reward},{cost},{Iso.Format(_period.OnDayOfMonth(25 + rng.Below(4)))}"));
                    _redeemed++;
                }
            }
        }

        private void WritePayments(List<Home> homes, decimal price, bool heze, ref Rng rng)
        {
            var paidIn = _period.PlusMonths(1);
            foreach (var home in homes)
            {
                if (home.Status is HomeStatus.MovesOut || !rng.PerMille(800))
                {
                    continue;
                }

                // A whole month's statement of an occupied home, line by line as the engine rounds it: the
                // fee, less the Heze subsidy, plus the example city's waste fee; so a resident who pays
                // "the statement" leaves nothing open (not a fen a reminder would chase).
                var estimate = heze
                    ? Fen(home.Area * price) - Fen(home.Area * 0.10m)
                    : Fen(home.Area * price) + 5.00m;
                var amount = rng.Below(10) switch
                {
                    < 7 => estimate,
                    < 9 => rng.PerMille(500) ? 100.00m : 200.00m,
                    _ => Math.Round(estimate / 2m, 2, MidpointRounding.AwayFromZero),
                };
                var (channel, prefix) = rng.Below(20) switch
                {
                    < 9 => ("wechat", "42"),
                    < 14 => ("alipay", "20"),
                    < 18 => ("cash", "SJ"),
                    _ => ("bank", "BK"),
                };
                var paidOn = paidIn.OnDayOfMonth(1 + rng.Below(28));
                files.Payments.WriteLine(string.Create(Inv,
                    $"{channel},{prefix}{paidIn.Year:D4}{paidIn.Month:D2}{++_payments:D10},{home.Code},{amount:0.00},{Iso.Format(paidOn)} {rng.Between(8, 21):D2}:{rng.Below(60):D2}:{rng.Below(60):D2}"));
            }
        }

        private static decimal Fen(decimal yuan) => Math.Round(yuan, 2, MidpointRounding.AwayFromZero);

        private static string Person(ref Rng rng) => rng.Pick(Surnames) + rng.Pick(GivenNames);

        private static string Phone(ref Rng rng) => string.Create(Inv, $"1{"3456789"[rng.Below(7)]}{rng.Between(100000000, 999999999)}");

        /// <summary>A unified social credit code that passes its check digit, unique per community and business (Heze's region 371700).</summary>
        private static string CreditCode(int community, int business)
        {
            const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
            int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
            var body = new StringBuilder("91371700MA");
            var n = (community * 4) + business;
            var digits = new char[7];
            for (var d = 6; d >= 0; d--)
            {
                digits[d] = alphabet[n % 31];
                n /= 31;
            }

            body.Append(digits);
            var sum = 0;
            for (var k = 0; k < 17; k++)
            {
                sum += alphabet.IndexOf(body[k], StringComparison.Ordinal) * weights[k];
            }

            return body.Append(alphabet[(31 - (sum % 31)) % 31]).ToString();
        }
    }
}
