using Switchyard.Configuration;
using Switchyard.Storage;

namespace Switchyard.SharedState;

/// <summary>
/// The effective config: the file's settings, with groups and users from the database (the file's own are seeded
/// there at start), and the file's channels, models and routing rules followed by those created through the admin API.
/// </summary>
public sealed class StateComposer(GroupStore groups, UserStore users, ChannelStore channels, ModelStore models, RouteStore routes,
    Security.SecretCipher cipher, SecretFiles files)
{
    public async Task<GatewayConfig> ComposeAsync(GatewayConfig file, CancellationToken cancellationToken)
    {
        var storedGroups = await groups.ListAsync(cancellationToken);
        var storedUsers = await users.ListAsync(cancellationToken);
        var storedChannels = await channels.ListAsync(cancellationToken);
        var storedModels = await models.ListAsync(cancellationToken);
        var storedRoutes = await routes.ListAsync(cancellationToken);
        // Key files are read here, not at parse time, so a file the agent rewrites reaches requests without a config reload.
        await files.RefreshAsync(file.Channels.SelectMany(SecretFiles.Referenced), cancellationToken);
        var fileChannels = file.Channels.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var fileModels = file.Models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var fileRoutes = file.Routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var fileMultipliers = file.Groups.ToDictionary(g => g.Name, g => g.PriceMultiplier, StringComparer.Ordinal);
        return file with
        {
            // A file-declared group keeps the file's price_multiplier even before the seeder has stored it; others keep the stored one.
            Groups = storedGroups.Select(g => fileMultipliers.TryGetValue(g.Config.Name, out var m) ? g.Config with { PriceMultiplier = m } : g.Config).ToList(),
            Users = storedUsers.Select(u => u.Config).ToList(),
            // A name the file declares wins: the API refuses such names, and a later file edit may add one.
            Channels = [.. file.Channels.Select(files.Resolve), .. storedChannels.Where(c => !fileChannels.Contains(c.Config.Name)).Select(Open)],
            Models = [.. file.Models, .. storedModels.Where(m => !fileModels.Contains(m.Config.Name)).Select(m => m.Config)],
            // The file's rules are tried first: the operator's fixed policy, which no rule added at run time can shadow.
            Routes = [.. file.Routes, .. storedRoutes.Where(r => !fileRoutes.Contains(r.Config.Name)).Select(r => r.Config)],
        };
    }

    /// <summary>The channel with its keys and headers opened, in memory only.</summary>
    /// <exception cref="InvalidOperationException">A secret does not open; the message names the channel and key id, never a value.</exception>
    private ChannelConfig Open(StoredChannel channel)
    {
        try
        {
            return channel.Config with
            {
                Keys = channel.Keys.Select(k => cipher.Open(k.Sealed, channel.Config.Name)).ToList(),
                Headers = channel.SealedHeaders is null ? new Dictionary<string, string>()
                    : System.Text.Json.JsonSerializer.Deserialize(cipher.Open(channel.SealedHeaders, channel.Config.Name), ChannelStoreJson.Default.DictionaryStringString)!,
            };
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"The stored keys of channel '{channel.Config.Name}' do not open: {e.Message}", e);
        }
    }
}
