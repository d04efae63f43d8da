using System.Globalization;
using System.Text;

namespace RedProperty.Billing.Core;

/// <summary>
/// 人民币大写: an amount in capital numerals, as receipts and invoices must print it so that a
/// figure cannot be altered by adding a stroke (42.96 → 肆拾贰元玖角陆分).
/// </summary>
public static class ChineseAmount
{
    private const string Digits = "零壹贰叁肆伍陆柒捌玖";
    private const decimal Max = 9_999_999_999_999.99m;
    private static readonly string[] Places = ["", "拾", "佰", "仟"];

    // After the second, third and fourth group of four digits from the right; the fourth is 万 of 亿 (万亿).
    private static readonly string[] GroupMarks = ["万", "亿", "万"];

    public static string Capital(Money amount)
    {
        if (!amount.IsWholeFen)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{amount.Yuan} yuan is not a whole number of fen."), nameof(amount));
        }

        var yuan = Math.Abs(amount.Yuan);
        if (yuan > Max)
        {
            throw new ArgumentOutOfRangeException(
                nameof(amount), amount.Yuan, string.Create(CultureInfo.InvariantCulture, $"Only amounts up to {Max} yuan can be written."));
        }

        var fen = (long)(yuan * 100m);
        if (fen == 0)
        {
            return "零元整";
        }

        var whole = fen / 100;
        var jiao = (int)(fen / 10 % 10);
        var lastFen = (int)(fen % 10);

        var text = new StringBuilder(amount.IsNegative ? "负" : string.Empty);
        if (whole > 0)
        {
            AppendWhole(text, whole);
            text.Append('元');
        }

        if (jiao > 0)
        {
            text.Append(Digits[jiao]).Append('角');
        }
        else if (whole > 0 && lastFen > 0)
        {
            // 1.05 is read 壹元零伍分, and the 零 leaves no gap to write a jiao into.
            text.Append('零');
        }

        // 整 closes an amount without fen, so that none can be added after it.
        return lastFen > 0
            ? text.Append(Digits[lastFen]).Append('分').ToString()
            : text.Append('整').ToString();
    }

    private static void AppendWhole(StringBuilder text, long whole)
    {
        var digits = whole.ToString(CultureInfo.InvariantCulture);
        var zeroPending = false;
        var groupHasDigit = false;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[i] - '0';
            var place = digits.Length - 1 - i;
            if (digit == 0)
            {
                // A run of zeros, even one across a 万/亿 mark, is read as one 零, and only before a further digit.
                zeroPending = true;
            }
            else
            {
                if (zeroPending)
                {
                    text.Append('零');
                    zeroPending = false;
                }

                text.Append(Digits[digit]).Append(Places[place % 4]);
                groupHasDigit = true;
            }

            if (place % 4 == 0 && place > 0)
            {
                // 亿 stays after an empty 亿 group: 1,000,000,000,000 is 壹万亿, not 壹万.
                if (groupHasDigit || place == 8)
                {
                    text.Append(GroupMarks[(place / 4) - 1]);
                }

                groupHasDigit = false;
            }
        }
    }
}
