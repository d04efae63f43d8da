using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Staff;

/// <summary>
/// Staff accounts in PostgreSQL: passwords hashed by ASP.NET Core Identity's PasswordHasher
/// (PBKDF2 with a per-password salt), lockout after five wrong passwords in a row, and every
/// change written to the audit trail in the same transaction as the change itself.
/// </summary>
public sealed partial class StaffAccounts(NpgsqlDataSource dataSource, IClock clock)
{
    public const int MaxFailedAttempts = 5;
    public const int MinPasswordLength = 8;
    public static readonly Duration LockoutFor = Duration.FromMinutes(15);
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>The first administrator of an operator: only while the operator has none, so the command cannot be used to take an office over.</summary>
    public async Task<StaffAccount> CreateFirstAdministratorAsync(string operatorCode, string userName, string displayName, string password, CancellationToken ct = default)
    {
        await using (var cmd = dataSource.CreateCommand("select exists (select 1 from staff_account where scope_kind = 'operator' and scope = @o and 'admin' = any (roles))"))
        {
            cmd.Parameters.AddWithValue("o", operatorCode);
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
            {
                throw new InputRejectedException([new InputError("command line", null, "operator", "staff.admin.exists",
                    $"operator {operatorCode} already has an administrator; further accounts are created in the console")]);
            }
        }

        var system = new StaffPerson("system", "命令行", operatorCode);
        return await CreateAsync(new NewStaffAccount(userName, displayName, StaffScopeKind.Operator, operatorCode, [StaffRole.Admin]), password, system, ct);
    }

    /// <summary>Creates an account, or refuses with every field that is wrong; nothing is stored then.</summary>
    public async Task<StaffAccount> CreateAsync(NewStaffAccount account, string password, StaffPerson by, CancellationToken ct = default)
    {
        var errors = new List<InputError>();
        void Error(string field, string code, string message) => errors.Add(new InputError("account", null, field, code, message));
        if (!UserNamePattern().IsMatch(account.UserName ?? string.Empty))
        {
            Error("userName", "staff.user_name.invalid", "用户名为 2–40 位小写字母、数字、点、横线或下划线，以字母或数字开头");
        }

        if (string.IsNullOrWhiteSpace(account.DisplayName) || account.DisplayName.Trim().Length > 40)
        {
            Error("displayName", "staff.display_name.invalid", "请填写姓名（不超过 40 字）");
        }

        if (account.Roles.Count == 0)
        {
            Error("roles", "staff.roles.empty", "请至少选择一个角色");
        }
        else if ((account.ScopeKind == StaffScopeKind.District) != account.Roles.All(r => r == StaffRole.District))
        {
            Error("roles", "staff.roles.scope", "区财政账号只有区财政角色；物业账号不能有区财政角色");
        }

        if (PasswordProblem(password) is { } weak)
        {
            Error("password", "staff.password.weak", weak);
        }

        if (!await ScopeExistsAsync(account.ScopeKind, account.Scope, ct))
        {
            Error("scope", "staff.scope.unknown", $"{(account.ScopeKind == StaffScopeKind.Operator ? "物业公司" : "区")} {account.Scope} 不存在");
        }

        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand(
            """
            insert into staff_account (user_name, display_name, scope_kind, scope, roles, password_hash, security_stamp, created_by)
            values (@u, @d, @k, @s, @r, @h, @stamp, @by)
            on conflict (user_name) do nothing
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("u", account.UserName!);
            insert.Parameters.AddWithValue("d", account.DisplayName.Trim());
            insert.Parameters.AddWithValue("k", account.ScopeKind == StaffScopeKind.Operator ? "operator" : "district");
            insert.Parameters.AddWithValue("s", account.Scope);
            insert.Parameters.AddWithValue("r", account.Roles.Distinct().Order().Select(r => r.Name()).ToArray());
            insert.Parameters.AddWithValue("h", Hasher.HashPassword(account.UserName!, password));
            insert.Parameters.AddWithValue("stamp", NewStamp());
            insert.Parameters.AddWithValue("by", by.Signature);
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                throw new InputRejectedException([new InputError("account", null, "userName", "staff.user_name.taken", $"用户名 {account.UserName} 已被使用")]);
            }
        }

        await StaffAudit.RecordAsync(connection, tx, by, "创建账号", $"账号 {account.UserName}",
            $"{account.DisplayName.Trim()}，角色：{string.Join("、", account.Roles.Distinct().Order().Select(r => r.Display()))}", ct);
        await tx.CommitAsync(ct);
        return (await FindAsync(account.UserName!, ct))!;
    }

    /// <summary>
    /// Checks a password. Five wrong ones in a row lock the account for <see cref="LockoutFor"/>;
    /// while it is locked even the right password is refused. The lock is audited.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(string userName, string password, CancellationToken ct = default)
    {
        var now = clock.GetCurrentInstant();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var stored = await connection.QueryRowAsync<SignInRow>(
            "select password_hash, failed_attempts, locked_until, scope, display_name from staff_account where user_name = @u for update", new { u = userName }, tx, ct);
        if (stored is null)
        {
            // Spend the same time as a real check, so timing does not tell which user names exist.
            Hasher.VerifyHashedPassword(userName, DummyHash, password);
            return new SignInOutcome.Refused(MaxFailedAttempts);
        }

        var (hash, failed, lockedUntil, scope, displayName) = stored;

        if (lockedUntil is { } until && until > now)
        {
            return new SignInOutcome.LockedOut(until);
        }

        var verdict = Hasher.VerifyHashedPassword(userName, hash, password ?? string.Empty);
        if (verdict == PasswordVerificationResult.Failed)
        {
            failed++;
            var lockNow = failed >= MaxFailedAttempts;
            await using (var cmd = new NpgsqlCommand(
                "update staff_account set failed_attempts = @f, locked_until = @l where user_name = @u", connection, tx))
            {
                cmd.Parameters.AddWithValue("u", userName);
                cmd.Parameters.AddWithValue("f", lockNow ? 0 : failed);
                cmd.Parameters.Add(new NpgsqlParameter("l", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = lockNow ? now + LockoutFor : DBNull.Value });
                await cmd.ExecuteNonQueryAsync(ct);
            }

            if (lockNow)
            {
                await StaffAudit.RecordAsync(connection, tx, new StaffPerson(userName, displayName, scope), "账号锁定", $"账号 {userName}",
                    $"连续 {MaxFailedAttempts} 次密码错误，锁定 {LockoutFor.TotalMinutes:0} 分钟", ct);
            }

            await tx.CommitAsync(ct);
            return lockNow ? new SignInOutcome.LockedOut(now + LockoutFor) : new SignInOutcome.Refused(MaxFailedAttempts - failed);
        }

        await using (var cmd = new NpgsqlCommand(
            "update staff_account set failed_attempts = 0, locked_until = null, password_hash = coalesce(@rehash, password_hash) where user_name = @u", connection, tx))
        {
            cmd.Parameters.AddWithValue("u", userName);
            cmd.Parameters.Add(new NpgsqlParameter("rehash", NpgsqlTypes.NpgsqlDbType.Text)
            {
                Value = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(userName, password!) : DBNull.Value,
            });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new SignInOutcome.SignedIn((await FindAsync(userName, ct))!);
    }

    /// <summary>A person changes their own password; the old one must be right. Other sessions of the account end.</summary>
    public async Task ChangePasswordAsync(StaffPerson person, string current, string next, CancellationToken ct = default)
    {
        var account = await FindAsync(person.UserName, ct) ?? throw new InputRejectedException([new InputError("password", null, "current", "staff.unknown", "账号不存在")]);
        var hash = await HashAsync(person.UserName, ct);
        var errors = new List<InputError>();
        if (Hasher.VerifyHashedPassword(person.UserName, hash, current ?? string.Empty) == PasswordVerificationResult.Failed)
        {
            errors.Add(new InputError("password", null, "current", "staff.password.wrong", "原密码不正确"));
        }

        if (PasswordProblem(next) is { } weak)
        {
            errors.Add(new InputError("password", null, "next", "staff.password.weak", weak));
        }

        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        await SetPasswordAsync(account, next, person, "修改密码", ct);
    }

    /// <summary>An administrator sets a new password for someone (forgotten password) and lifts any lock.</summary>
    public async Task ResetPasswordAsync(string userName, string next, StaffPerson admin, CancellationToken ct = default)
    {
        var account = await FindAsync(userName, ct);
        if (account is null || account.Scope != admin.Scope)
        {
            throw new InputRejectedException([new InputError("account", null, "userName", "staff.unknown", $"没有账号 {userName}")]);
        }

        if (PasswordProblem(next) is { } weak)
        {
            throw new InputRejectedException([new InputError("account", null, "password", "staff.password.weak", weak)]);
        }

        await SetPasswordAsync(account, next, admin, "重设密码", ct);
    }

    public async Task<StaffAccount?> FindAsync(string userName, CancellationToken ct = default) =>
        (await dataSource.QueryRowAsync<AccountRow>($"{SelectAccounts} where user_name = @userName", new { userName }, ct))?.ToAccount();

    public async Task<List<StaffAccount>> ListAsync(string scope, CancellationToken ct = default) =>
        (await dataSource.QueryRowsAsync<AccountRow>($"{SelectAccounts} where scope = @scope order by user_name", new { scope }, ct)).Select(r => r.ToAccount()).ToList();

    private const string SelectAccounts =
        "select id, user_name, display_name, scope_kind, scope, roles, security_stamp, locked_until, created_by, created_at from staff_account";

    /// <summary>A user name and password no real account has, to keep failed look-ups as slow as real ones.</summary>
    private static readonly string DummyHash = Hasher.HashPassword("nobody", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    public static string? PasswordProblem(string? password) =>
        password is null || password.Length < MinPasswordLength ? $"密码至少 {MinPasswordLength} 位"
        : password.Length > 128 ? "密码不超过 128 位"
        : null;

    private async Task SetPasswordAsync(StaffAccount account, string next, StaffPerson by, string action, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand(
            "update staff_account set password_hash = @h, security_stamp = @s, failed_attempts = 0, locked_until = null where user_name = @u", connection, tx))
        {
            cmd.Parameters.AddWithValue("u", account.UserName);
            cmd.Parameters.AddWithValue("h", Hasher.HashPassword(account.UserName, next));
            cmd.Parameters.AddWithValue("s", NewStamp());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await StaffAudit.RecordAsync(connection, tx, by, action, $"账号 {account.UserName}", string.Empty, ct);
        await tx.CommitAsync(ct);
    }

    private async Task<string> HashAsync(string userName, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select password_hash from staff_account where user_name = @u");
        cmd.Parameters.AddWithValue("u", userName);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<bool> ScopeExistsAsync(StaffScopeKind kind, string scope, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(kind == StaffScopeKind.Operator
            ? "select exists (select 1 from operator where code = @s)"
            : "select exists (select 1 from community where district = @s)");
        cmd.Parameters.AddWithValue("s", scope ?? string.Empty);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,39}$")]
    private static partial Regex UserNamePattern();

    // Rows as PostgreSQL returns them, mapped by column name.
    private sealed record SignInRow(string PasswordHash, int FailedAttempts, Instant? LockedUntil, string Scope, string DisplayName);

    /// <summary>An account as stored; a role or scope kind this version does not know is an error, never dropped or read as an operator.</summary>
    private sealed record AccountRow(
        long Id, string UserName, string DisplayName, string ScopeKind, string Scope, string[] Roles, string SecurityStamp, Instant? LockedUntil, string CreatedBy, Instant CreatedAt)
    {
        public StaffAccount ToAccount() =>
            new(
                Id,
                UserName,
                DisplayName,
                ScopeKind switch
                {
                    "operator" => StaffScopeKind.Operator,
                    "district" => StaffScopeKind.District,
                    _ => throw StoredValues.Unknown(ScopeKind, "a staff scope kind", "staff_account.scope_kind"),
                },
                Scope,
                Roles.Select(r => StoredValues.Read<StaffRole>(r, StaffRoles.TryParse, "a staff role", "staff_account.roles")).ToHashSet(),
                SecurityStamp,
                LockedUntil,
                CreatedBy,
                CreatedAt);
    }
}
