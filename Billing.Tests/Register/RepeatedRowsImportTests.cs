using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Register;

/// <summary>
/// A register file that repeats one household thousands of times (its history, in any order) is
/// applied row by row in file order, against a simple reference model of "the version in force on
/// the row's date": the same values change nothing, other values add a version.
/// </summary>
public sealed class RepeatedRowsImportTests : IDisposable
{
    private const string Household = "HZ-FXY-01-1-101";
    private readonly string _folder = Directory.CreateTempSubdirectory("billing-repeats-").FullName;

    [Fact]
    public async Task Three_thousand_rows_of_one_household_give_exactly_the_versions_of_the_reference_model()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var model = new SortedList<LocalDate, string>();
        await using (var cmd = db.DataSource.CreateCommand($"select effective_from, owner_name from household_version where household_code = '{Household}'"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                model[reader.GetFieldValue<LocalDate>(0)] = reader.GetString(1);
            }
        }

        // Distinct dates in a shuffled order; the owner changes every few rows, so some rows repeat what is in force.
        var random = new Random(5);
        var dates = Enumerable.Range(0, 3000).Select(i => new LocalDate(2023, 1, 1).PlusDays(i)).OrderBy(_ => random.Next()).ToList();
        var csv = new StringBuilder("household_code,community_code,building,unit,room,building_area_m2,owner_name,occupant_name,phone,parking_permits,effective_from\n");
        for (var i = 0; i < dates.Count; i++)
        {
            var owner = (i / 3 % 3) switch { 0 => "卢刚", 1 => "甲", _ => "乙" };
            csv.Append(CultureInfo.InvariantCulture, $"{Household},HZ-FXY,1,1,101,69.81,{owner},,15517791993,0,{LocalDatePattern.Iso.Format(dates[i])}\n");
            Apply(model, dates[i], owner);
        }

        var path = Path.Combine(_folder, "households.csv");
        await File.WriteAllTextAsync(path, csv.ToString());
        await new RegisterStore(db.DataSource).ImportAsync(RegisterFiles.Stream(null, null, path, null, null), SampleRegister.Today, SampleRegister.Rates());

        var stored = new SortedList<LocalDate, string>();
        await using (var cmd = db.DataSource.CreateCommand($"select effective_from, owner_name from household_version where household_code = '{Household}'"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetFieldValue<LocalDate>(0)] = reader.GetString(1);
            }
        }

        Assert.True(model.Count > 500, $"the file should make many versions, made {model.Count}");
        Assert.Equal(model.ToList(), stored.ToList());
    }

    /// <summary>The reference: a row adds a version unless the version in force on its date (the last one on or before it, else the first) has its values.</summary>
    private static void Apply(SortedList<LocalDate, string> versions, LocalDate date, string owner)
    {
        var inForce = versions.Keys.Where(d => d <= date).Select(d => (LocalDate?)d).LastOrDefault() ?? versions.Keys[0];
        if (versions[inForce] != owner)
        {
            versions[date] = owner;
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
