using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;

namespace Switchyard.Admin;

/// <summary>Ordered by power: a rule naming a role admits that role and every stronger one.</summary>
public enum AdminRole
{
    User = 0,
    GroupAdmin = 1,
    SuperAdmin = 2,
}

public enum AdminCredential
{
    MasterKey,
    PersonalKey,
    Session,
}

/// <summary>Who is calling the admin API: a user (or the built-in master), its role and group, and how it proved it.</summary>
public sealed record AdminPrincipal(string Name, AdminRole Role, string? Group, AdminCredential Via)
{
    public const string MasterName = "master";
    private static readonly object ItemKey = new();

    public string RoleName => RoleNames.Of(Role);

    public static AdminPrincipal Of(HttpContext http) =>
        http.Items[ItemKey] as AdminPrincipal ?? throw new InvalidOperationException("Admin endpoint reached without authorization.");

    public static AdminPrincipal? Find(HttpContext http) => http.Items[ItemKey] as AdminPrincipal;

    internal void Attach(HttpContext http) => http.Items[ItemKey] = this;
}

internal static class RoleNames
{
    public static string Of(AdminRole role) => role switch
    {
        AdminRole.SuperAdmin => Roles.SuperAdmin,
        AdminRole.GroupAdmin => Roles.GroupAdmin,
        AdminRole.User => Roles.User,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static AdminRole Parse(string role) => role switch
    {
        Roles.SuperAdmin => AdminRole.SuperAdmin,
        Roles.GroupAdmin => AdminRole.GroupAdmin,
        _ => AdminRole.User,
    };
}
