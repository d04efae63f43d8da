namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>
/// Reads a register folder as exported by finance staff: communities.csv and households.csv, and
/// optionally buildings.csv, occupancy.csv and meter_readings.csv. Every file is parsed before
/// anything is stored, and all their errors are reported together.
/// </summary>
public static class RegisterFiles
{
    public const string Communities = "communities.csv";
    public const string Buildings = "buildings.csv";
    public const string Households = "households.csv";
    public const string Occupancy = "occupancy.csv";
    public const string MeterReadings = "meter_readings.csv";

    public static RegisterImport ReadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ArgumentException($"Register folder '{folder}' does not exist.");
        }

        string? Path_(string name) => File.Exists(Path.Combine(folder, name)) ? Path.Combine(folder, name) : null;
        return Read(Path_(Communities), Path_(Buildings), Path_(Households), Path_(Occupancy), Path_(MeterReadings));
    }

    /// <summary>
    /// The files of a register folder, read row by row while the import runs: for registers too large
    /// to hold (a city of a million households), with the same checks and messages as <see cref="ReadFolder"/>.
    /// </summary>
    public static RegisterSource StreamFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ArgumentException($"Register folder '{folder}' does not exist.");
        }

        string? Path_(string name) => File.Exists(Path.Combine(folder, name)) ? Path.Combine(folder, name) : null;
        return Stream(Path_(Communities), Path_(Buildings), Path_(Households), Path_(Occupancy), Path_(MeterReadings));
    }

    public static RegisterSource Stream(string? communities, string? buildings, string? households, string? occupancy, string? meterReadings)
    {
        foreach (var path in new[] { communities, buildings, households, occupancy, meterReadings })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new ArgumentException($"File '{path}' does not exist.");
            }
        }

        return new RegisterSource(
            errors => FromFile(communities, RegisterCsv.StreamCommunities, errors),
            errors => FromFile(buildings, RegisterCsv.StreamBuildings, errors),
            errors => FromFile(households, RegisterCsv.StreamHouseholds, errors),
            errors => FromFile(occupancy, RegisterCsv.StreamOccupancy, errors),
            errors => FromFile(meterReadings, RegisterCsv.StreamMeterReadings, errors));
    }

    /// <summary>The rows of one file, opened when first read and closed when read to the end.</summary>
    internal static IEnumerable<Sourced<T>> FromFile<T>(
        string? path, Func<string, TextReader, List<Core.Validation.InputError>, IEnumerable<Sourced<T>>> stream, List<Core.Validation.InputError> errors)
    {
        if (path is null)
        {
            yield break;
        }

        using var reader = RegisterCsv.OpenFile(path);
        foreach (var row in stream(Path.GetFileName(path), reader, errors))
        {
            yield return row;
        }
    }

    public static RegisterImport Read(string? communities, string? buildings, string? households, string? occupancy, string? meterReadings)
    {
        var errors = new List<Core.Validation.InputError>();
        T Parse<T>(string? path, Func<string, TextReader, T> read, T empty)
        {
            if (path is null)
            {
                return empty;
            }

            try
            {
                using var reader = RegisterCsv.OpenFile(path);
                return read(Path.GetFileName(path), reader);
            }
            catch (Core.Validation.InputRejectedException e)
            {
                errors.AddRange(e.Errors);
                return empty;
            }
        }

        var import = new RegisterImport(
            Parse(communities, RegisterCsv.ReadCommunities, []),
            Parse(buildings, RegisterCsv.ReadBuildings, []),
            Parse(households, RegisterCsv.ReadHouseholds, []),
            Parse(occupancy, RegisterCsv.ReadOccupancy, []),
            Parse(meterReadings, RegisterCsv.ReadMeterReadings, []));
        return errors.Count > 0 ? throw new Core.Validation.InputRejectedException(errors) : import;
    }
}
