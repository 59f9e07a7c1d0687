using Switchyard.Billing.Reconciliation;

namespace Switchyard.Tests.Billing;

public sealed class UpstreamExportTests
{
    private static readonly DateOnly Day = new(2026, 11, 30);

    [Fact]
    public void SimpleFormat_RowsOfOtherDaysIgnored_SameModelSummed()
    {
        const string csv = "date,model,input_tokens,output_tokens,cost\n2026-11-30,gpt-4o,1000,200,0.0045\n2026-11-29,gpt-4o,5,5,1\n2026-11-30,gpt-4o,10,2,0.000045\n";

        var (rows, error) = UpstreamExport.Read(csv, Day, inputExcludesCache: false);

        Assert.Null(error);
        Assert.Equal([new UpstreamUsage("gpt-4o", null, 1010, 0, 0, 202, 0.004545m)], rows);
    }

    [Fact]
    public void OpenAiUsageExport_UnixStartTime_InputIncludesCached()
    {
        const string csv = """
            start_time,end_time,project_id,model,input_tokens,input_cached_tokens,output_tokens,num_model_requests
            1795996800,1796083200,proj_1,gpt-4o-mini-2024-07-18,5000,4000,1000,5
            1795996800,1796083200,proj_2,gpt-4o-mini-2024-07-18,"1,000",0,100,1
            """;

        var (rows, _) = UpstreamExport.Read(csv, Day, inputExcludesCache: false);

        Assert.Equal([new UpstreamUsage("gpt-4o-mini-2024-07-18", 6, 6000, 4000, 0, 1100, null)], rows);
    }

    [Fact]
    public void AnthropicExport_InputExcludesCache_CacheAddedBack()
    {
        const string csv = "usage_date,model,uncached_input_tokens,cache_read_input_tokens,cache_write_5m_tokens,cache_write_1h_tokens,output_tokens,cost_usd\r\n"
            + "2026-11-30,claude-sonnet-4-5-20250929,50,10000,1500,500,400,$0.01665\r\n";

        var (rows, _) = UpstreamExport.Read(csv, Day, inputExcludesCache: false);

        Assert.Equal([new UpstreamUsage("claude-sonnet-4-5-20250929", null, 12_050, 10_000, 2_000, 400, 0.01665m)], rows);
    }

    [Fact]
    public void AnthropicUsageReportFlattened_StartingAtBucket_NestedCacheCreationColumns()
    {
        // The Admin API usage report's field names (starting_at per bucket; per result uncached_input_tokens,
        // cache_creation.ephemeral_5m/1h_input_tokens, cache_read_input_tokens, output_tokens), one CSV row per result.
        const string csv = """
            starting_at,ending_at,model,workspace_id,uncached_input_tokens,cache_creation.ephemeral_5m_input_tokens,cache_creation.ephemeral_1h_input_tokens,cache_read_input_tokens,output_tokens
            2026-11-30T00:00:00Z,2026-12-01T00:00:00Z,claude-sonnet-4-5-20250929,wrkspc_1,1500,500,1000,200,500
            2026-11-29T00:00:00Z,2026-11-30T00:00:00Z,claude-sonnet-4-5-20250929,wrkspc_1,9,9,9,9,9
            """;

        var (rows, error) = UpstreamExport.Read(csv, Day, inputExcludesCache: false);

        Assert.Null(error);
        Assert.Equal([new UpstreamUsage("claude-sonnet-4-5-20250929", null, 3_200, 200, 1_500, 500, null)], rows);
    }

    [Theory]
    [InlineData("model,input_tokens,output_tokens\ngpt-4o,1,1\n", "the header must name a date")]
    [InlineData("date,model,input_tokens,output_tokens\nyesterday,gpt-4o,1,1\n", "line 2: 'yesterday' in column date is not a date")]
    [InlineData("date,model,input_tokens,output_tokens\n2026-11-30,gpt-4o,-4,1\n", "line 2: '-4' in column input_tokens is not a token count")]
    [InlineData("", "the export is empty")]
    public void BadExport_ErrorNamesTheLineAndColumn(string csv, string expected)
    {
        var (rows, error) = UpstreamExport.Read(csv, Day, inputExcludesCache: false);

        Assert.Null(rows);
        Assert.StartsWith(expected, error);
    }
}
