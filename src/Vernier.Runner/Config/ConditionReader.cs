using Vernier.Distributions;
using Vernier.SearchSpaces;
using YamlDotNet.RepresentationModel;

namespace Vernier.Runner.Config;

/// <summary>
/// Reads conditions (<c>when</c> of a parameter, <c>forbid</c> and <c>when</c> of a constraint) and
/// constraints, checking every name and value against the declared parameters so that an error
/// points at the very node. The checks mirror <see cref="SearchSpace"/>'s own, which has no positions.
/// </summary>
/// <remarks>
/// A condition is a mapping from parameter to: a value (equals), a list (one of), or operators
/// <c>{eq, ne, in, lt, le, gt, ge}</c>. Several parameters, or several operators, must all hold.
/// <c>ne</c> on a categorical parameter means "one of the other choices". A constraint is
/// <c>{ forbid: C }</c> (optionally with <c>when: W</c>, meaning <c>W and C</c>) or
/// <c>{ when: W, set: { name: value } }</c>.
/// </remarks>
internal sealed class ConditionReader(ConfigContext context, IReadOnlyList<DeclaredParameter> declared)
{
    private const string ConditionHint = "write e.g. { opt: sgd }, { opt: [sgd, adam] } or { lr: { gt: 0.01 } }";

    private static readonly KeySpec[] Operators = [new("eq"), new("ne"), new("in"), new("lt"), new("le"), new("gt"), new("ge")];
    private static readonly KeySpec[] ConstraintKeys = [new("when"), new("set"), new("forbid")];

    /// <summary>Reads the <c>when</c> of a parameter.</summary>
    public Condition ReadParameterCondition(DeclaredParameter parameter)
    {
        string what = $"the 'when' of parameter '{parameter.Name}'";
        return Read(parameter.When!, what, parameter.Name);
    }

    /// <summary>Reads the list under <c>constraints</c>.</summary>
    public List<Constraint> ReadConstraints(YamlNode node)
    {
        var constraints = new List<Constraint>();
        foreach (YamlNode entry in context.Sequence(node, "'constraints'", "write a list of { forbid: ... } or { when: ..., set: ... }"))
        {
            MappingReader reader = MappingReader.Open(context, entry, "a constraint", "in a constraint", ConstraintKeys);
            if (reader.Get("forbid") is { } forbid)
            {
                if (reader.Has("set"))
                {
                    throw context.Error(reader.Key("set"), "a constraint cannot both 'forbid' and 'set'", "forbid a combination with { forbid: {...} }, or fix a value with { when: {...}, set: {...} }");
                }

                // { when: { opt: sgd }, forbid: { lr: { gt: 0.05 } } } reads naturally and means both at once.
                Condition forbidden = Read(forbid, "'forbid'", owner: null);
                constraints.Add(new ForbiddenCombination(reader.Get("when") is { } scope
                    ? new AllCondition([Read(scope, "the 'when' of a constraint", owner: null), forbidden])
                    : forbidden));
                continue;
            }

            YamlNode when = reader.Required("when", "write { forbid: {...} } to forbid a combination, or { when: {...}, set: {...} } to fix a value");
            YamlNode set = reader.Required("set", "say which values the condition fixes, e.g. set: { momentum: 0 }");
            Condition condition = Read(when, "the 'when' of a constraint", owner: null);
            YamlMappingNode values = context.Mapping(set, "'set'", "write e.g. set: { momentum: 0 }");
            if (values.Children.Count == 0)
            {
                throw context.Error(set, "'set' is empty", "name at least one parameter and the value it takes");
            }

            foreach ((YamlNode key, YamlNode valueNode) in values.Children)
            {
                DeclaredParameter target = Lookup(key, "'set'");
                if (condition.Parameters.Contains(target.Name))
                {
                    throw context.Error(key, $"'set' fixes '{target.Name}' under a condition on '{target.Name}' itself", "a constraint's condition must read other parameters");
                }

                object? value = context.Value(valueNode, $"the value of '{target.Name}'");
                CheckCanTake(target, valueNode, value, $"'set' gives '{target.Name}' the value");
                constraints.Add(new FixedValue(condition, target.Name, value));
            }
        }

        return constraints;
    }

    private Condition Read(YamlNode node, string what, string? owner)
    {
        YamlMappingNode map = context.Mapping(node, what, ConditionHint);
        if (map.Children.Count == 0)
        {
            throw context.Error(node, $"{what} is empty", ConditionHint);
        }

        var parts = new List<Condition>();
        foreach ((YamlNode key, YamlNode value) in map.Children)
        {
            DeclaredParameter target = Lookup(key, what);
            if (target.Name == owner)
            {
                throw context.Error(key, $"{what} refers to the parameter itself", "a condition reads other parameters");
            }

            switch (value)
            {
                case YamlSequenceNode list:
                    parts.Add(In(target, list, what));
                    break;
                case YamlMappingNode operators:
                    parts.AddRange(ReadOperators(target, operators, what));
                    break;
                default:
                    parts.Add(Equal(target, value, what));
                    break;
            }
        }

        return parts.Count == 1 ? parts[0] : new AllCondition(parts);
    }

    private IEnumerable<Condition> ReadOperators(DeclaredParameter target, YamlMappingNode node, string what)
    {
        MappingReader reader = MappingReader.Open(context, node, $"the condition on '{target.Name}'", $"in the condition on '{target.Name}' (operators)", Operators);
        if (node.Children.Count == 0)
        {
            throw context.Error(node, $"the condition on '{target.Name}' has no operator", "allowed operators: " + string.Join(", ", Operators));
        }

        var conditions = new List<Condition>();
        foreach ((YamlNode key, YamlNode operand) in node.Children)
        {
            string op = ((YamlScalarNode)key).Value!;
            conditions.Add(op switch
            {
                "eq" => Equal(target, operand, what),
                "in" => In(target, context.Sequence(operand, "'in'", "write in: [a, b]"), what),
                "ne" when target.Distribution is CategoricalDistribution categorical => NotEqualChoice(target, categorical, operand, what),
                _ when target.Distribution is CategoricalDistribution => throw context.Error(
                    reader.Key(op),
                    $"{what} compares the categorical '{target.Name}' with '{op}'",
                    "for a categorical parameter use a value, a list, eq, ne or in"),
                _ => new ComparisonCondition(target.Name, ComparisonOf(op), context.Number(operand, $"'{op}'")),
            });
        }

        return conditions;
    }

    private static Comparison ComparisonOf(string op) => op switch
    {
        "lt" => Comparison.LessThan,
        "le" => Comparison.LessThanOrEqual,
        "gt" => Comparison.GreaterThan,
        "ge" => Comparison.GreaterThanOrEqual,
        _ => Comparison.NotEqual,
    };

    private InCondition Equal(DeclaredParameter target, YamlNode node, string what)
    {
        object? value = context.Value(node, $"the value of '{target.Name}'");
        CheckCanTake(target, node, value, $"{what} compares '{target.Name}' with");
        return new InCondition(target.Name, [value]);
    }

    private InCondition In(DeclaredParameter target, YamlSequenceNode list, string what)
    {
        if (list.Children.Count == 0)
        {
            throw context.Error(list, $"{what} gives '{target.Name}' an empty list of values", "list at least one value");
        }

        var values = new List<object?>();
        foreach (YamlNode node in list)
        {
            object? value = context.Value(node, $"a value of '{target.Name}'");
            CheckCanTake(target, node, value, $"{what} compares '{target.Name}' with");
            values.Add(value);
        }

        return new InCondition(target.Name, values);
    }

    private InCondition NotEqualChoice(DeclaredParameter target, CategoricalDistribution categorical, YamlNode node, string what)
    {
        object? excluded = context.Value(node, "'ne'");
        CheckCanTake(target, node, excluded, $"{what} compares '{target.Name}' with");
        object?[] others = [.. categorical.Choices.Where(c => categorical.IndexOf(c) != categorical.IndexOf(excluded))];
        return others.Length > 0 ? new InCondition(target.Name, others) : throw context.Error(
            node,
            $"{what} can never hold: '{target.Name}' has no choice other than {context.Describe(node)}",
            null);
    }

    private void CheckCanTake(DeclaredParameter target, YamlNode node, object? value, string problem)
    {
        bool possible = target.Distribution is CategoricalDistribution categorical ? categorical.IndexOf(value) >= 0 : IsInRange(target.Distribution, value);
        if (!possible)
        {
            throw context.Error(node, $"{problem} {context.Describe(node)}, which '{target.Name}' can never take", $"'{target.Name}' is {target.Distribution}");
        }
    }

    private static bool IsInRange(ParameterDistribution distribution, object? value)
    {
        try
        {
            distribution.ToInternal(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private DeclaredParameter Lookup(YamlNode key, string what)
    {
        string name = context.Text(key, "a parameter name");
        return declared.FirstOrDefault(p => p.Name == name) ?? throw context.Error(
            key,
            $"{what} refers to '{name}', which is not a declared parameter",
            (KeySuggestions.Closest(name, declared.Select(p => p.Name)) is { } s ? $"did you mean '{s}'? " : "") +
            "declared parameters: " + string.Join(", ", declared.Select(p => p.Name)));
    }
}
