using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;

namespace Switchyard.Admin;

/// <summary>Limits sent to the admin API pass the config file's checks: a misspelt endpoint must not silently limit nothing.</summary>
internal static class AdminLimits
{
    public static IResult? Invalid(LimitsConfig? limits)
    {
        IResult? refusal = null;
        ConfigValidator.LimitProblems("limits", limits, (path, message) => refusal ??= AdminErrors.Result(400, $"'{path}': {message}.", path));
        return refusal;
    }
}
