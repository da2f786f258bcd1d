using System.Text.Json.Nodes;

namespace Vernier.Plots.Kinds;

/// <summary>Places several cartesian panels (ECharts grids) in rows of up to three, in pixels.</summary>
internal sealed class PanelLayout
{
    private const int Top = 110;
    private const int PanelHeight = 260;
    private const int RowGap = 70;

    public PanelLayout(int panels, int width = 900)
    {
        Panels = panels;
        Columns = Math.Clamp(panels, 1, 3);
        Rows = (panels + Columns - 1) / Columns;
        Width = width;
        Height = Top + (Rows * (PanelHeight + RowGap));
    }

    public int Panels { get; }

    public int Columns { get; }

    public int Rows { get; }

    public int Width { get; }

    public int Height { get; }

    public JsonObject Grid(int index)
    {
        int row = index / Columns, column = index % Columns;
        const int Left = 60, Right = 30, Gap = 60;
        double cell = (Width - Left - Right - ((Columns - 1) * Gap)) / (double)Columns;
        return Json.Obj(
            ("left", Math.Round(Left + (column * (cell + Gap)))),
            ("top", Top + (row * (PanelHeight + RowGap))),
            ("width", Math.Round(cell)),
            ("height", PanelHeight));
    }
}
