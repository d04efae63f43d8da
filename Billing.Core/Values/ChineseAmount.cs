using System.Text;

namespace RedProperty.Billing.Core;

/// <summary>
/// 人民币大写: an amount written in capital numerals, as receipts and statements must show it so
/// that a figure cannot be altered by adding a stroke (e.g. 42.96 → 肆拾贰元玖角陆分).
/// </summary>
public static class ChineseAmount
{
    private const string Digits = "零壹贰叁肆伍陆柒捌玖";
    private static readonly string[] PlaceUnits = ["", "拾", "佰", "仟"];
    private static readonly string[] SectionUnits = ["", "万", "亿", "万亿"];
    private const decimal Max = 9_999_999_999_999.99m;

    public static string Capital(Money amount)
    {
        if (!amount.IsWholeFen)
        {
            throw new ArgumentException($"{amount.Yuan} is not a whole number of fen.", nameof(amount));
        }

        var yuan = Math.Abs(amount.Yuan);
        if (yuan > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount.Yuan, $"Amounts up to {Max} yuan can be written.");
        }

        var integer = (long)decimal.Truncate(yuan);
        var fen = (int)((yuan - integer) * 100m);
        var (jiao, fenDigit) = (fen / 10, fen % 10);

        var text = new StringBuilder(amount.IsNegative ? "负" : string.Empty);
        if (integer == 0 && fen == 0)
        {
            return "零元整";
        }

        if (integer > 0)
        {
            AppendInteger(text, integer);
            text.Append('元');
        }

        if (jiao == 0 && fenDigit == 0)
        {
            return text.Append('整').ToString();
        }

        if (jiao > 0)
        {
            text.Append(Digits[jiao]).Append('角');
        }
        else if (integer > 0)
        {
            // 壹元零伍分: the zero jiao is spoken, so it is written.
            text.Append('零');
        }

        return fenDigit > 0 ? text.Append(Digits[fenDigit]).Append('分').ToString() : text.Append('整').ToString();
    }

    private static void AppendInteger(StringBuilder text, long integer)
    {
        var sections = new List<int>();
        for (var n = integer; n > 0; n /= 10_000)
        {
            sections.Add((int)(n % 10_000));
        }

        var written = false;
        var zeroPending = false;
        for (var s = sections.Count - 1; s >= 0; s--)
        {
            var section = sections[s];
            for (var place = 3; place >= 0; place--)
            {
                var digit = section / (int)Math.Pow(10, place) % 10;
                if (digit == 0)
                {
                    // Runs of zeros, and zeros across a 万/亿 boundary, are read as one 零 — but only between digits.
                    zeroPending |= written;
                    continue;
                }

                if (zeroPending)
                {
                    text.Append('零');
                    zeroPending = false;
                }

                text.Append(Digits[digit]).Append(PlaceUnits[place]);
                written = true;
            }

            if (section != 0)
            {
                text.Append(SectionUnits[s]);
            }
        }
    }
}
