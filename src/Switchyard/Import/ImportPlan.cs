using System.Text;

namespace Switchyard.Import;

public enum PlanAction
{
    /// <summary>Will be (or was) created.</summary>
    Create,

    /// <summary>Already in Switchyard (an earlier import, the admin API or the config file): left as it is.</summary>
    Present,

    /// <summary>Cannot be imported; the reason says why.</summary>
    Skip,
}

/// <summary>One line of the plan: what happens to one thing of the source.</summary>
/// <param name="Notes">What maps only approximately, each with its reason.</param>
public sealed record PlanLine(PlanAction Action, string Kind, string Name, IReadOnlyList<string> Notes);

/// <summary>
/// What an import does. A dry run and a real run against the same target compute the same plan; the real run then
/// carries it out. The password reset links of users created by a real run are kept apart: they are not part of the plan.
/// </summary>
public sealed class ImportPlan(string source)
{
    public string Source { get; } = source;
    public List<PlanLine> Lines { get; } = [];
    public List<string> Remarks { get; } = [];

    /// <summary>A one-time password reset link for each user created without a usable password; real runs only.</summary>
    public List<Tenancy.PasswordResetTicket> ResetLinks { get; } = [];

    public int Count(PlanAction action) => Lines.Count(l => l.Action == action);

    /// <summary>The plan as printed: one line per thing, notes indented under it, the remarks last.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var line in Lines)
        {
            var action = line.Action switch
            {
                PlanAction.Create => "create ",
                PlanAction.Present => "present",
                _ => "skip   ",
            };
            text.Append(action).Append(' ').Append(line.Kind.PadRight(8)).Append(' ').Append(line.Name).Append('\n');
            foreach (var note in line.Notes)
            {
                text.Append(line.Action == PlanAction.Skip ? "          cannot import: " : "          approximately: ").Append(note).Append('\n');
            }
        }
        foreach (var advice in Remarks)
        {
            text.Append("note     ").Append(advice).Append('\n');
        }
        text.Append($"{Source}: {Count(PlanAction.Create)} to create, {Count(PlanAction.Present)} already present, {Count(PlanAction.Skip)} not importable, "
            + $"{Lines.Count(l => l.Action == PlanAction.Create && l.Notes.Count > 0)} approximate.\n");
        return text.ToString();
    }
}
