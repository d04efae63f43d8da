using System.Globalization;
using System.Text;

namespace RedProperty.Billing.Infrastructure.Scale;

/// <summary>
/// A synthetic register for scale runs, deterministic by seed: communities of the sample operator in
/// the sample district, buildings of 2 units and 6 floors, areas of 30–150 m², a mix of star levels
/// priced by the shipped rate book, some vacancies and move-ins. Written as the CSV files an import reads.
/// </summary>
public static class SyntheticRegister
{
    public static (int Communities, int Households) Write(string folder, int communities, int householdsPerCommunity, int seed)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var c = new StringBuilder("community_code,community_name,operator_code,operator_name,zone_code,zone_name,city,district,rate_book,building_type,service_level,billing_start\n");
        var h = new StringBuilder("household_code,community_code,building,unit,room,building_area_m2,owner_name\n");
        var o = new StringBuilder("household_code,status,effective_from\n");
        var households = 0;
        for (var i = 1; i <= communities; i++)
        {
            var code = $"SYN-{i:D5}";
            c.Append(CultureInfo.InvariantCulture, $"{code},合成小区{i},TCJY,天创金源物业公司,SYN-Z{i % 51:D2},合成片区{i % 51},菏泽市,开发区,heze-kaifaqu,multi-storey,2星,2022-01-01\n");
            for (var n = 0; n < householdsPerCommunity; n++)
            {
                var (building, rest) = Math.DivRem(n, 24);
                var (unit, floorDoor) = Math.DivRem(rest, 12);
                var (floor, door) = Math.DivRem(floorDoor, 2);
                var household = $"{code}-{building + 1:D2}-{unit + 1}-{floor + 1}0{door + 1}";
                var area = random.Next(3000, 15001) / 100m;
                h.Append(CultureInfo.InvariantCulture, $"{household},{code},{building + 1},{unit + 1},{floor + 1}0{door + 1},{area:0.00},业主{households % 997}\n");
                switch (random.Next(40))
                {
                    case 0:
                        o.Append(CultureInfo.InvariantCulture, $"{household},vacant,2025-0{1 + random.Next(9)}-01\n");
                        break;
                    case 1:
                        o.Append(CultureInfo.InvariantCulture, $"{household},not-billed,2022-01-01\n{household},occupied,2026-10-{1 + random.Next(28):D2}\n");
                        break;
                }

                households++;
            }
        }

        File.WriteAllText(Path.Combine(folder, "communities.csv"), c.ToString());
        File.WriteAllText(Path.Combine(folder, "households.csv"), h.ToString());
        File.WriteAllText(Path.Combine(folder, "occupancy.csv"), o.ToString());
        return (communities, households);
    }
}
