using NodaTime;

namespace RedProperty.Billing.Core;

/// <summary>One dated value of a <see cref="Timeline{T}"/>: holds from <see cref="From"/> until the next entry.</summary>
public readonly record struct Dated<T>(LocalDate From, T Value);

/// <summary>
/// An effective-dated value: a service level, a building area, an occupancy status. History is
/// kept, never overwritten: a change is a new entry from its date on. The first entry also covers
/// every earlier date, because the register's first record describes the home as it always was.
/// </summary>
public sealed class Timeline<T>
{
    private readonly Dated<T>[] _entries;

    public Timeline(IEnumerable<Dated<T>> entries)
    {
        _entries = entries.OrderBy(e => e.From).ToArray();
        if (_entries.Length == 0)
        {
            throw new ArgumentException("A timeline needs at least one entry.", nameof(entries));
        }

        for (var i = 1; i < _entries.Length; i++)
        {
            if (_entries[i].From == _entries[i - 1].From)
            {
                throw new ArgumentException($"Two entries start on {_entries[i].From:yyyy-MM-dd}.", nameof(entries));
            }
        }
    }

    public static Timeline<T> Always(T value) => new([new Dated<T>(LocalDate.MinIsoValue, value)]);

    public IReadOnlyList<Dated<T>> Entries => _entries;

    public T ValueOn(LocalDate date)
    {
        var value = _entries[0].Value;
        for (var i = 1; i < _entries.Length && _entries[i].From <= date; i++)
        {
            value = _entries[i].Value;
        }

        return value;
    }

    /// <summary>Dates strictly after <paramref name="start"/> and up to <paramref name="end"/> on which the value changes.</summary>
    public void AddChangesWithin(LocalDate start, LocalDate end, List<LocalDate> into)
    {
        for (var i = 1; i < _entries.Length; i++)
        {
            var from = _entries[i].From;
            if (from > start && from <= end)
            {
                into.Add(from);
            }
        }
    }

    public bool HasChangesWithin(LocalDate start, LocalDate end)
    {
        for (var i = 1; i < _entries.Length; i++)
        {
            if (_entries[i].From > start && _entries[i].From <= end)
            {
                return true;
            }
        }

        return false;
    }
}
