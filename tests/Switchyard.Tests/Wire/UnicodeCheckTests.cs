using System.Text;
using Switchyard.Wire;

namespace Switchyard.Tests.Wire;

public sealed class UnicodeCheckTests
{
    [Theory]
    [InlineData("""{"content":"plain"}""")]
    [InlineData("""{"content":"中文 and émoji 😀"}""")]
    [InlineData("""{"content":"pair \uD83D\uDE00"}""")]
    [InlineData("""{"content":"escaped backslash \\uD800 is text"}""")]
    [InlineData("""{"content":"quote \" newline \n tab \t unicode \u00e9"}""")]
    [InlineData("""{"content":"ends with backslash \\"}""")]
    public void FindProblem_ValidText_IsNull(string json)
    {
        Assert.Null(UnicodeCheck.FindProblem(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"content":"lone high \uD800"}""")]
    [InlineData("""{"content":"lone low \uDC00"}""")]
    [InlineData("""{"content":"high then text \uD83Dabc"}""")]
    [InlineData("""{"content":"reversed \uDE00\uD83D"}""")]
    [InlineData("""{"content":"high at the end \uDBFF""")]
    [InlineData("""{"content":"\\\uD800"}""")]
    public void FindProblem_UnpairedSurrogateEscape_NamesIt(string json)
    {
        Assert.Contains("surrogate", UnicodeCheck.FindProblem(Encoding.UTF8.GetBytes(json)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xFF, 0x22 })]
    [InlineData(new byte[] { 0x22, 0xC0, 0xAF, 0x22 })]
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 })]
    [InlineData(new byte[] { 0x22, 0xE4, 0xB8, 0x22 })]
    public void FindProblem_InvalidUtf8_SaysWhere(byte[] json)
    {
        Assert.Contains("offset 1", UnicodeCheck.FindProblem(json), StringComparison.Ordinal);
    }
}
