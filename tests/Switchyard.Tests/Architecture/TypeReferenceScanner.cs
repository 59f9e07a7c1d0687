using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Switchyard.Tests.Architecture;

/// <summary>One use of a type of another folder: who uses it, what it uses, and where.</summary>
internal sealed record TypeReference(string FromFolder, string FromType, string ToFolder, string ToType, string Site);

/// <summary>
/// Reads every type of an assembly the way the compiler left it — signatures, fields, locals, attributes and the
/// tokens of method bodies — and reports the references that cross from one folder to another. A folder is the
/// namespace segment right under the root (<c>Switchyard.Relay.X</c> is in <c>Relay</c>), so qualified names,
/// parent-namespace lookups and stale <c>using</c> lines cannot hide or invent an arrow.
/// </summary>
internal static class TypeReferenceScanner
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
        | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IReadOnlyList<TypeReference> Scan(Assembly assembly, string rootNamespace)
    {
        var found = new List<TypeReference>();
        foreach (var type in assembly.GetTypes())
        {
            var from = FolderOf(type, rootNamespace);
            if (from is null)
            {
                continue;
            }
            var owner = DisplayName(type);
            foreach (var (used, site) in UsesOf(type))
            {
                foreach (var target in Expand(used))
                {
                    if (target.Assembly != assembly)
                    {
                        continue;
                    }
                    var to = FolderOf(target, rootNamespace);
                    if (to is not null && to != from)
                    {
                        found.Add(new TypeReference(from, owner, to, DisplayName(target), site));
                    }
                }
            }
        }
        return found;
    }

    /// <summary>The folder a type lives in, or null for types outside the root (compiler-made, global).</summary>
    public static string? FolderOf(Type type, string rootNamespace)
    {
        var ns = type.Namespace;
        if (ns is null || !ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = ns[(rootNamespace.Length + 1)..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static string DisplayName(Type type)
    {
        // Closures and state machines are nested in the type whose code they are: name that one.
        while (type.DeclaringType is not null && type.IsDefined(typeof(CompilerGeneratedAttribute), false))
        {
            type = type.DeclaringType;
        }
        return type.FullName ?? type.Name;
    }

    private static IEnumerable<(Type Used, string Site)> UsesOf(Type type)
    {
        if (type.BaseType is not null)
        {
            yield return (type.BaseType, "base type");
        }
        foreach (var i in type.GetInterfaces())
        {
            yield return (i, "interface");
        }
        foreach (var a in SafeAttributes(type.CustomAttributes))
        {
            yield return a;
        }
        foreach (var field in type.GetFields(Declared))
        {
            yield return (field.FieldType, $"field {field.Name}");
        }
        foreach (var property in type.GetProperties(Declared))
        {
            yield return (property.PropertyType, $"property {property.Name}");
        }
        foreach (var e in type.GetEvents(Declared))
        {
            if (e.EventHandlerType is not null)
            {
                yield return (e.EventHandlerType, $"event {e.Name}");
            }
        }
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            var site = $"{method.Name}";
            if (method is MethodInfo info)
            {
                yield return (info.ReturnType, site);
            }
            foreach (var p in method.GetParameters())
            {
                yield return (p.ParameterType, site);
            }
            foreach (var a in SafeAttributes(method.CustomAttributes))
            {
                yield return (a.Used, site);
            }
            foreach (var used in BodyUses(method))
            {
                yield return (used, site);
            }
        }
    }

    private static IEnumerable<(Type Used, string Site)> SafeAttributes(IEnumerable<CustomAttributeData> attributes)
    {
        foreach (var a in attributes)
        {
            yield return (a.AttributeType, "attribute");
            foreach (var arg in a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)))
            {
                if (arg.Value is Type t)
                {
                    yield return (t, "attribute argument");
                }
            }
        }
    }

    private static IEnumerable<Type> BodyUses(MethodBase method)
    {
        MethodBody? body;
        try
        {
            body = method.GetMethodBody();
        }
        catch (InvalidOperationException)
        {
            yield break;
        }
        if (body is null)
        {
            yield break;
        }
        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }
        var il = body.GetILAsByteArray() ?? [];
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, at);
                    foreach (var t in Resolve(module, token, typeArgs, methodArgs))
                    {
                        yield return t;
                    }
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + 4 * BitConverter.ToInt32(il, at);
                    break;
                default:
                    at += OperandSize(op.OperandType);
                    break;
            }
        }
    }

    private static IEnumerable<Type> Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        MemberInfo? member;
        try
        {
            member = module.ResolveMember(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            member = null;
        }
        switch (member)
        {
            case Type t:
                yield return t;
                break;
            case FieldInfo f:
                yield return f.DeclaringType!;
                yield return f.FieldType;
                break;
            case MethodBase m:
                if (m.DeclaringType is not null)
                {
                    yield return m.DeclaringType;
                }
                if (m is MethodInfo mi)
                {
                    yield return mi.ReturnType;
                    if (mi.IsGenericMethod)
                    {
                        foreach (var g in mi.GetGenericArguments())
                        {
                            yield return g;
                        }
                    }
                }
                foreach (var p in m.GetParameters())
                {
                    yield return p.ParameterType;
                }
                break;
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    /// <summary>A type and everything it is made of: generic arguments, array and by-ref element types.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()!))
            {
                yield return t;
            }
            yield break;
        }
        if (type.IsGenericParameter)
        {
            yield break;
        }
        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
        {
            foreach (var arg in type.GetGenericArguments())
            {
                foreach (var t in Expand(arg))
                {
                    yield return t;
                }
            }
        }
    }
}
