using Switchyard.Configuration;
using Switchyard.Security;

namespace Switchyard.Tests.Telemetry;

public sealed class RedactorTests
{
    private const string Mask = Redactor.Mask;

    [Theory]
    [InlineData("openai", "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH")]
    [InlineData("openai project", "sk-proj-Ab3_x-9kLmNoPqRsTuVwXyZ0123456789abcdefT3BlbkFJ")]
    [InlineData("openai service account", "sk-svcacct-AbCdEf0123456789_-xyz")]
    [InlineData("anthropic", "sk-ant-api03-AbCdEfGh0123456789_-IjKlMnOpQrStUvWxYz-AAAAAA")]
    [InlineData("switchyard", "sk-sy-Q3v9tYb2m5Xk8Lr1Zp4Wc7Hn0Js6Dd3Gf2Aa9Bb1Cc8E")]
    [InlineData("deepseek", "sk-0123456789abcdef0123456789abcdef")]
    [InlineData("google", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q")]
    public void Masks_provider_key_shapes_wherever_they_appear(string provider, string key)
    {
        _ = provider;
        foreach (var template in new[] { "{0}", "key {0} was refused", "\"api\":\"{0}\"", "({0})", "keys=[{0}, other]" })
        {
            var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, key);
            var redacted = Redactor.Default.Redact(text);
            Assert.DoesNotContain(key, redacted, StringComparison.Ordinal);
            Assert.DoesNotContain(key[^8..], redacted, StringComparison.Ordinal);
            Assert.Contains(Mask, redacted, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "Authorization: Bearer " + Mask)]
    [InlineData("authorization=Basic dXNlcjpwYXNzd29yZA==", "authorization=Basic " + Mask)]
    [InlineData("sent with bearer abcdefgh12345678 to upstream", "sent with bearer " + Mask + " to upstream")]
    [InlineData("x-api-key: 7f3c1a2b9d8e4f6a", "x-api-key: " + Mask)]
    [InlineData("X-Goog-Api-Key: ya29-custom-token-value", "X-Goog-Api-Key: " + Mask)]
    [InlineData("{\"x-api-key\": \"plainvalue1234\", \"model\": \"m\"}", "{\"x-api-key\": \"" + Mask + "\", \"model\": \"m\"}")]
    [InlineData("{\"api_key\":\"abc123abc123\"}", "{\"api_key\":\"" + Mask + "\"}")]
    [InlineData("api-key: 0123456789abcdef (azure)", "api-key: " + Mask + " (azure)")]
    [InlineData("GET https://g.example/v1beta/models/x:generateContent?key=AbC123xyz&alt=sse", "GET https://g.example/v1beta/models/x:generateContent?key=" + Mask + "&alt=sse")]
    [InlineData("/stream?alt=sse&access_token=tok.en-123 HTTP/1.1", "/stream?alt=sse&access_token=" + Mask + " HTTP/1.1")]
    [InlineData("master_key: supersecretmaster123", "master_key: " + Mask)]
    public void Masks_credentials_after_their_carrier_and_keeps_the_carrier(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Default.Redact(text));
    }

    [Theory]
    [InlineData("POST /v1/chat/completions 200 in 12ms model=gpt-4o-mini channel=openai-main")]
    [InlineData("the task-force met; ask-me-anything; risk-assessment")]
    [InlineData("tokens input=12 output=34 cost=0.0012")]
    [InlineData("key sk-sy-...A1b2 (hint) is fine")]
    [InlineData("")]
    public void Leaves_ordinary_text_alone_and_returns_the_same_instance(string text)
    {
        Assert.Same(text, Redactor.Default.Redact(text));
        Assert.False(Redactor.Default.TryRedact(text, out var redacted));
        Assert.Null(redacted);
        Assert.False(Redactor.Default.ContainsSecret(text));
    }

    [Fact]
    public void Configured_patterns_mask_emails_and_phone_numbers()
    {
        var redactor = new Redactor([@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", @"\+?\d[\d \-]{9,}\d"]);
        var text = "user wang.li@example.com called from +86 138 0013 8000 about sk-ant-api03-AAAABBBBCCCCDDDD";
        Assert.True(redactor.TryRedact(text, out var redacted));
        Assert.Equal($"user {Mask} called from {Mask} about {Mask}", redacted);
        Assert.Same("no personal data here", redactor.Redact("no personal data here"));
    }

    [Fact]
    public void Literal_secrets_from_the_config_are_masked_whatever_their_shape()
    {
        var config = ConfigLoader.Parse("""
            security:
              master_key: master-0123456789abcdef
            metrics:
              token: scrape-token-0123456789
            channels:
              - name: wanqing
                type: openai
                base_url: https://wanqing.example/v1
                keys: ["wq.9f8e7d6c5b4a3210", "short"]
                headers: { X-Tenant-Token: tenant-secret-42x, X-Region: cn-north }
                models: [m]
            groups: [{ name: g }]
            keys:
              - name: k
                group: g
                secret: fixed-client-secret-01
            """);
        var redactor = Redactor.FromConfig(config);
        foreach (var secret in new[] { "master-0123456789abcdef", "scrape-token-0123456789", "wq.9f8e7d6c5b4a3210", "tenant-secret-42x", "fixed-client-secret-01" })
        {
            var redacted = redactor.Redact($"upstream said: invalid credential {secret}.");
            Assert.Equal($"upstream said: invalid credential {Mask}.", redacted);
        }
        // Values too short to be secrets, and non-credential headers, are not masked (they would hit ordinary words).
        Assert.Equal("short cn-north", redactor.Redact("short cn-north"));
    }

    [Fact]
    public void A_longer_secret_containing_a_shorter_one_is_masked_whole()
    {
        var redactor = new Redactor([], ["abcdefgh", "abcdefgh-ijklmnop"]);
        Assert.Equal($"[{Mask}]", redactor.Redact("[abcdefgh-ijklmnop]"));
    }

    [Fact]
    public void Every_occurrence_of_a_literal_secret_is_masked_at_the_edges_side_by_side_and_with_regex_characters_in_it()
    {
        var redactor = new Redactor([], ["a.b*c+d?(e)", "密钥-0123456789", "plain-secret-1"]);

        Assert.Equal($"{Mask} then {Mask}{Mask}, {Mask}", redactor.Redact("a.b*c+d?(e) then plain-secret-1密钥-0123456789, a.b*c+d?(e)"));
        // The dots are literal: a look-alike with other characters in their place stays.
        Assert.Equal("aXb*c+d?(e)", redactor.Redact("aXb*c+d?(e)"));
    }

    [Fact]
    public void Span_overload_redacts_without_a_string_input()
    {
        Span<char> buffer = stackalloc char[64];
        "err sk-proj-0123456789abcdef end".AsSpan().CopyTo(buffer);
        Assert.True(Redactor.Default.TryRedact(buffer[..32], out var redacted));
        Assert.Equal($"err {Mask} end", redacted);
    }

    [Fact]
    public void Invalid_configured_pattern_is_a_config_error_naming_the_field()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("redaction:\n  patterns: ['ok\\d+', '(unclosed']\n"));
        Assert.Contains(error.Problems, p => p.StartsWith("redaction.patterns[1]: not a valid regular expression", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Problems, p => p.StartsWith("redaction.patterns[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void Registered_as_a_singleton_built_from_the_config()
    {
        var config = ConfigLoader.Parse("redaction:\n  patterns: ['emp-\\d{6}']\n");
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Switchyard.Hosting.ServiceRegistration.AddSwitchyard(services, config);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var redactor = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Redactor>(provider);
        Assert.Same(redactor, Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Redactor>(provider));
        Assert.Equal($"badge {Mask}", redactor.Redact("badge emp-123456"));
    }

    [Fact]
    public void Reconfigure_masks_the_new_configs_secrets_keeps_masking_the_old_and_swaps_the_patterns()
    {
        var before = ConfigLoader.Parse("""
            redaction: { patterns: ['emp-\d{6}'] }
            channels: [{ name: a, type: openai, base_url: "http://127.0.0.1:1/v1", keys: [oldplainkey0001], models: [m] }]
            """);
        var after = ConfigLoader.Parse("""
            redaction: { patterns: ['badge-\d{4}'] }
            channels: [{ name: b, type: openai, base_url: "http://127.0.0.1:1/v1", keys: [newplainkey0002], models: [m] }]
            alerts: { webhooks: [{ name: ops, url: "https://hooks.example/services/T0/B0/hooktokenABCDEF123", events: [channel_down] }] }
            """);
        var redactor = Redactor.FromConfig(before);
        Assert.Equal($"key newplainkey0002 badge-1234 {Mask}", redactor.Redact("key newplainkey0002 badge-1234 emp-123456"));

        redactor.Reconfigure(after);

        Assert.Equal($"keys {Mask} {Mask}", redactor.Redact("keys newplainkey0002 oldplainkey0001"));
        Assert.Equal($"token {Mask}", redactor.Redact("token hooktokenABCDEF123"));
        Assert.Equal($"{Mask} emp-123456", redactor.Redact("badge-1234 emp-123456"));
    }
}
