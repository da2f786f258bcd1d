using Vernier.Bench.Functions;

namespace Vernier.Bench.Tests.Functions;

public class ShiftedDomainTests
{
    private static readonly FunctionCatalog Catalog = FunctionCatalog.Load(Repository.FunctionsJson);

    [Fact]
    public void Load_FunctionsWithACentralOptimum_GetAShiftedVariant()
    {
        // ackley: optimum at the centre; rosenbrock: at 0.4 of each axis; hpo_surrogate: lr at the log-centre,
        // layers 0.43, dropout 0.4. styblinski_tang (0.21), branin and hartmann6 are off-centre.
        Catalog.Functions.Where(f => f.Shift.Count > 0).Select(f => f.Name)
            .ShouldBe(["rosenbrock_shifted", "ackley_shifted", "hpo_surrogate_shifted"]);
    }

    [Fact]
    public void Shifted_EveryNumericBound_MovesBy10To20PercentOfTheWidthAndKeepsTheWidth()
    {
        foreach (BenchFunction shifted in Catalog.Functions.Where(f => f.Shift.Count > 0))
        {
            BenchFunction original = Catalog.Get(shifted.BaseName);
            for (int i = 0; i < original.Parameters.Length; i++)
            {
                ParameterDomain before = original.Parameters[i];
                ParameterDomain after = shifted.Parameters[i];
                if (!before.IsNumeric)
                {
                    after.ShouldBe(before);
                    continue;
                }

                double width = before.Log ? Math.Log10(before.High) - Math.Log10(before.Low) : before.High - before.Low;
                double moved = before.Log ? Math.Log10(after.Low) - Math.Log10(before.Low) : after.Low - before.Low;
                double fraction = Math.Abs(moved) / width;
                if (before.Type == "int")
                {
                    (moved % 1.0).ShouldBe(0.0);
                    fraction.ShouldBeInRange(0.05, 0.25, $"{shifted.Name}.{before.Name}");
                }
                else
                {
                    fraction.ShouldBeInRange(0.1 - 1e-9, 0.2 + 1e-9, $"{shifted.Name}.{before.Name}");
                }

                double newWidth = after.Log ? Math.Log10(after.High) - Math.Log10(after.Low) : after.High - after.Low;
                newWidth.ShouldBe(width, 1e-9);
            }
        }
    }

    [Fact]
    public void Shifted_TheOptimum_StaysInsideAndOffCentre()
    {
        (string Name, Dictionary<string, double> Optimum)[] cases =
        [
            ("ackley_shifted", Enumerable.Range(0, 5).ToDictionary(i => $"x{i}", _ => 0.0)),
            ("rosenbrock_shifted", Enumerable.Range(0, 4).ToDictionary(i => $"x{i}", _ => 1.0)),
            ("hpo_surrogate_shifted", new() { ["lr"] = 0.0031622776601683794, ["layers"] = 4, ["dropout"] = 0.2 }),
        ];
        foreach (var (name, optimum) in cases)
        {
            foreach (ParameterDomain p in Catalog.Get(name).Parameters.Where(p => p.IsNumeric))
            {
                double original = Catalog.Get(Catalog.Get(name).BaseName).Parameters.Single(q => q.Name == p.Name).UnitPosition(optimum[p.Name]);
                double position = p.UnitPosition(optimum[p.Name]);
                position.ShouldBeInRange(0.0, 1.0, $"{name}.{p.Name}");
                Math.Abs(position - 0.5).ShouldBeGreaterThanOrEqualTo(0.1 - 1e-9, $"{name}.{p.Name}");
                Math.Abs(position - 0.5).ShouldBeGreaterThan(Math.Abs(original - 0.5), $"{name}.{p.Name} moved away from the centre");
            }
        }
    }

    [Fact]
    public void Load_Twice_GivesTheSameShiftedDomains()
    {
        var again = FunctionCatalog.Load(Repository.FunctionsJson);

        foreach (BenchFunction f in Catalog.Functions)
        {
            BenchFunction g = again.Get(f.Name);
            g.Parameters.Select(p => p with { Choices = [] }).ShouldBe(f.Parameters.Select(p => p with { Choices = [] }));
            g.Parameters.SelectMany(p => p.Choices).ShouldBe(f.Parameters.SelectMany(p => p.Choices));
        }
    }

    [Fact]
    public void Shifted_EvaluatesTheSameFunction()
    {
        var values = new Dictionary<string, object?> { ["x0"] = 0.5, ["x1"] = -1.0, ["x2"] = 2.0, ["x3"] = 0.25, ["x4"] = 3.0 };

        Catalog.Get("ackley_shifted").Evaluate(values).ShouldBe(Catalog.Get("ackley").Evaluate(values));
        Catalog.Get("ackley_shifted").FStar.ShouldBe(Catalog.Get("ackley").FStar);
    }
}
