using System.Security.Cryptography;
using Switchyard.Security;
using Switchyard.Storage;

namespace Switchyard.Tenancy;

/// <summary>Loads (or, the first time, creates) the sealed pepper that keys virtual-key hashes.</summary>
public sealed class KeyHashBootstrap(GatewaySecretStore secrets, SecretCipher cipher, KeyHasher hasher, TimeProvider time)
{
    private const string Owner = "gateway:" + GatewaySecretStore.KeyHashPepper;

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var stored = await secrets.FindAsync(GatewaySecretStore.KeyHashPepper, cancellationToken);
        if (!cipher.CanSeal)
        {
            if (stored is not null)
            {
                throw new InvalidOperationException("Virtual keys are stored as keyed hashes under security.secret_key; set it again to start.");
            }
            return;
        }
        stored ??= await secrets.GetOrAddAsync(GatewaySecretStore.KeyHashPepper,
            cipher.Seal(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Owner), time.GetUtcNow(), cancellationToken);
        try
        {
            hasher.UsePepper(Convert.FromBase64String(cipher.Open(stored, Owner)));
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"The virtual-key hashing pepper does not open: {e.Message}", e);
        }
    }

    /// <summary>Re-seals the pepper under the current secret (the rotation command).</summary>
    public static async Task<bool> ReencryptAsync(GatewaySecretStore secrets, SecretCipher cipher, CancellationToken cancellationToken)
    {
        var stored = await secrets.FindAsync(GatewaySecretStore.KeyHashPepper, cancellationToken);
        if (stored is null || cipher.IsSealedUnderCurrent(stored))
        {
            return false;
        }
        await secrets.UpdateAsync(GatewaySecretStore.KeyHashPepper, cipher.Seal(cipher.Open(stored, Owner), Owner), cancellationToken);
        return true;
    }
}
