using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary>Endpoint metadata: the weakest role the endpoint admits. An admin endpoint without one admits only super admins.</summary>
public sealed record AdminRule(AdminRole Minimum);

/// <summary>
/// The admin API's whole authorization policy, in one place. Every endpoint's role floor is checked by the admin
/// route group's filter against <see cref="AdminRule"/>; endpoints that act on one group's or one user's things
/// then ask the scope questions below (and answer 403 when told no). Nothing else decides who may do what.
/// Super admin: everything. Group admin: its own group's users, keys, limits, allowed models and usage, never
/// channels, prices, other groups or super admins. User: its own keys and usage.
/// Acting on another user (its keys, password, limits, lock, role, existence) needs a role above that user's: a
/// group admin acts on its group's plain users only, and only super admins act on super admins (or on each other).
/// What a caller may not see answers as if it did not exist (see <see cref="CanSeeUser"/>, <see cref="CanSeeKey"/>).
/// </summary>
internal static class AdminAccess
{
    public static bool Allows(AdminPrincipal principal, AdminRule rule) => principal.Role >= rule.Minimum;

    public static bool IsSuper(AdminPrincipal p) => p.Role == AdminRole.SuperAdmin;

    private static bool AdminsGroup(AdminPrincipal p, string? group) =>
        p.Role == AdminRole.GroupAdmin && p.Group is not null && string.Equals(p.Group, group, StringComparison.Ordinal);

    /// <summary>Read a group, its usage and its remaining quota.</summary>
    public static bool CanSeeGroup(AdminPrincipal p, string group) => IsSuper(p) || AdminsGroup(p, group);

    /// <summary>
    /// Read what a group's members live with — its limits' use and the models they may use at the group's prices —
    /// but not its settings: whoever may see the group, and its own members.
    /// </summary>
    public static bool CanSeeGroupAsMember(AdminPrincipal p, string group) =>
        CanSeeGroup(p, group) || (p.Group is not null && string.Equals(p.Group, group, StringComparison.Ordinal));

    /// <summary>Change a group's limits and allowed models (creating or deleting groups needs a super admin).</summary>
    public static bool CanEditGroup(AdminPrincipal p, string group) => IsSuper(p) || AdminsGroup(p, group);

    public static bool CanSeeUser(AdminPrincipal p, string user, string group) =>
        IsSuper(p) || AdminsGroup(p, group) || string.Equals(p.Name, user, StringComparison.Ordinal);

    private static bool IsSelf(AdminPrincipal p, string? user) => user is not null && string.Equals(p.Name, user, StringComparison.Ordinal);

    /// <summary>Acting on a user of <paramref name="role"/>: super admins act on anyone, others only on weaker roles.</summary>
    private static bool Outranks(AdminPrincipal p, AdminRole role) => IsSuper(p) || p.Role > role;

    /// <summary>Create, change or delete a user of <paramref name="group"/> holding <paramref name="role"/>.</summary>
    public static bool CanManageUser(AdminPrincipal p, string group, AdminRole role) =>
        IsSuper(p) || (AdminsGroup(p, group) && Outranks(p, role));

    /// <summary>Users may change their own password and nothing else about themselves.</summary>
    public static bool CanChangePassword(AdminPrincipal p, string user, string group, AdminRole role) =>
        CanManageUser(p, group, role) || string.Equals(p.Name, user, StringComparison.Ordinal);

    public static bool CanSeeKey(AdminPrincipal p, VirtualKey key) =>
        IsSuper(p) || AdminsGroup(p, key.Group) || (key.User is not null && string.Equals(p.Name, key.User, StringComparison.Ordinal));

    /// <summary>
    /// Create or revoke a key of <paramref name="group"/> for <paramref name="user"/> (null: a group key) whose role is
    /// <paramref name="userRole"/>: a key acts with its user's role, so making one for a stronger user is becoming it.
    /// </summary>
    public static bool CanManageKey(AdminPrincipal p, string group, string? user, AdminRole userRole) =>
        IsSuper(p)
        || (IsSelf(p, user) && string.Equals(p.Group, group, StringComparison.Ordinal))
        || (AdminsGroup(p, group) && (user is null || Outranks(p, userRole)));

    /// <summary>The usage and request-log rows a principal may read: all, one group's, or one user's.</summary>
    public static (string? Group, string? User) UsageScope(AdminPrincipal p) => p.Role switch
    {
        AdminRole.SuperAdmin => (null, null),
        AdminRole.GroupAdmin => (p.Group, null),
        _ => (p.Group, p.Name),
    };

    /// <summary>
    /// The group and user filters of a usage or request-log query within the principal's scope: false when the
    /// query asks for another group or user than the scope allows (a 403), else the filters narrowed to the scope.
    /// </summary>
    public static bool TryScopeUsage(AdminPrincipal p, string? group, string? user, out string? scopedGroup, out string? scopedUser)
    {
        var (scopeGroup, scopeUser) = UsageScope(p);
        scopedGroup = scopeGroup ?? group;
        scopedUser = scopeUser ?? user;
        return (scopeGroup is null || group is null || group == scopeGroup) && (scopeUser is null || user is null || user == scopeUser);
    }
}
