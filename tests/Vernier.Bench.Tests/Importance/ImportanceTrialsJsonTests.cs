using Vernier.Bench.Functions;
using Vernier.Bench.Importance;

namespace Vernier.Bench.Tests.Importance;

public class ImportanceTrialsJsonTests
{
    [Fact]
    public async Task WriteThenRead_KeepsEveryTrialParameterAndValue()
    {
        var catalog = FunctionCatalog.Load(Path.Combine(Repository.Root, "bench", "functions.json"));
        ImportanceStudySpec spec = ImportanceStudies.All(catalog).Single(s => s.Name == "hpo_surrogate"); // log float, int, string and integer choices
        ImportanceStudyData study = await ImportanceStudies.GenerateAsync(spec, 30, 4, CancellationToken.None);

        IReadOnlyList<ImportanceStudyData> read = ImportanceTrialsJson.Read(ImportanceTrialsJson.Write([study]));

        read.Count.ShouldBe(1);
        read[0].Name.ShouldBe("hpo_surrogate");
        read[0].Seed.ShouldBe(4UL);
        read[0].Parameters.Select(Describe).ShouldBe(study.Parameters.Select(Describe));
        read[0].Trials.Count.ShouldBe(30);
        for (int i = 0; i < 30; i++)
        {
            read[0].Trials[i].Values.ShouldBe(study.Trials[i].Values);
            read[0].Trials[i].Params.ShouldBe(study.Trials[i].Params);
            read[0].Trials[i].Parameters.ShouldBe(study.Trials[i].Parameters);
        }
    }

    private static string Describe(ParameterDomain p) => $"{p.Name} {p.Type} {p.Low} {p.High} {p.Log} [{string.Join(",", p.Choices.Select(c => $"{c.GetType().Name}:{c}"))}]";

    [Fact]
    public void Read_ChoiceNotInTheDistribution_NamesIt()
    {
        const string json = """
            {"studies": [{"name": "s", "direction": "minimize",
              "parameters": [{"name": "act", "type": "categorical", "choices": ["relu", "tanh"]}],
              "trials": [{"number": 0, "params": {"act": "gelu"}, "value": 1.0}]}]}
            """;

        Should.Throw<InvalidDataException>(() => ImportanceTrialsJson.Read(json)).Message.ShouldContain("gelu");
    }
}

public class MainEffectsTests
{
    [Fact]
    public void Shares_SyntheticStudies_FollowTheOrderByConstruction()
    {
        foreach (ImportanceStudySpec spec in ImportanceStudies.Synthetic())
        {
            double[] shares = MainEffects.Shares(spec, 0);
            string[] order = [.. spec.Parameters.Select((p, i) => (p.Name, Share: shares[i])).OrderByDescending(t => t.Share).Select(t => t.Name)];

            order.ShouldBe(spec.KnownOrder!, spec.Name);
        }
    }
}
