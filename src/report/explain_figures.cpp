// The figures of `qmf explain`, drawn by gnuplot from data files written beside them: one script
// (plot.gp) draws each figure twice, as PNG and as SVG.
#include <algorithm>
#include <cmath>
#include <cstddef>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/atomic_file.h"
#include "report/eval_report.h"
#include "report/explain_report.h"
#include "report/gnuplot.h"

namespace qmf::report {
namespace {

// Bar colours: neutral, the true class, a wrong prediction.
constexpr int kNeutral = 0x4477aa, kTrue = 0x228833, kWrong = 0xcc3311;

// A gnuplot single-quoted string (a quote inside is written twice).
std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

// `body` drawn into name.png and name.svg.
std::string both_formats(const std::string& name, int width, int height, const std::string& body) {
  return fmt::format(
      "set terminal pngcairo noenhanced size {1},{2} font ',9'\nset output '{0}.png'\n{3}"
      "set terminal svg noenhanced size {1},{2} font ',9'\nset output '{0}.svg'\n{3}unset output\n",
      name, width, height, body);
}

// --- samples: one row of panels per example: each modality's input, each register's
// distribution, then the fused decision.

struct Panel {
  std::string title;
  std::vector<double> values;
  std::vector<int> colours;
  std::string xlabel;
  bool fused = false;
  std::vector<std::string> names;  // a name per bar (classes); empty: the bars are numbered
};

// Example i's input of modality m as an image block ("col row r g b", 0-255, scaled to the
// sample's own range so standardised features show too), or "" when it is no image.
std::string image_block(const ExplainReport& r, size_t i, size_t m) {
  const auto& shapes = r.context.image_shapes;
  const data::Features& x = r.context.inputs[m];
  if (m >= shapes.size() || !shapes[m].is_image() ||
      shapes[m].size() != static_cast<size_t>(x.cols()))
    return "";
  const ImageShape& s = shapes[m];
  const auto row = x.row(static_cast<Eigen::Index>(i));
  const float lo = row.minCoeff(), span = row.maxCoeff() - lo;
  const size_t plane = s.rows * s.cols;
  const auto level = [&](size_t channel, size_t pixel) {
    const float v = row(static_cast<Eigen::Index>(channel * plane + pixel));
    return span > 0 ? static_cast<int>(std::lround(255 * (v - lo) / span)) : 0;
  };
  std::string block;
  for (size_t y = 0; y < s.rows; ++y) {
    for (size_t c = 0; c < s.cols; ++c) {
      const size_t p = y * s.cols + c;
      // Three channels are red, green, blue; any other count is shown as their mean, in grey.
      int rgb[3];
      if (s.channels == 3) {
        for (size_t k = 0; k < 3; ++k) rgb[k] = level(k, p);
      } else {
        int sum = 0;
        for (size_t k = 0; k < s.channels; ++k) sum += level(k, p);
        rgb[0] = rgb[1] = rgb[2] = sum / static_cast<int>(s.channels);
      }
      block += fmt::format("{} {} {} {} {}\n", c, y, rgb[0], rgb[1], rgb[2]);
    }
    block += '\n';
  }
  return block;
}

// The input panels of example i: the data blocks (appended to `data`) and their plot commands.
std::string input_panels(const ExplainReport& r, size_t i, std::string& data, size_t& block) {
  std::string body;
  for (size_t m = 0; m < r.context.inputs.size(); ++m) {
    const std::string& name = r.context.modality_names[m];
    const std::string image = image_block(r, i, m);
    if (!image.empty()) {
      const ImageShape& s = r.context.image_shapes[m];
      data += image + "\n\n";
      body += fmt::format(
          "set title {}\nunset xtics\nunset ytics\nunset grid\nunset key\nunset xlabel\n"
          "unset ylabel\nset size ratio -1\nset xrange [-0.5:{}]\nset yrange [{}:-0.5]\n"
          "plot 'samples.dat' index {} using 1:2:3:4:5 with rgbimage notitle\n"
          "set size noratio\nset xtics\nset ytics\nset grid y\n",
          quoted(fmt::format("{}: input {}x{}", name, s.rows, s.cols)),
          static_cast<double>(s.cols) - 0.5, static_cast<double>(s.rows) - 0.5, block);
    } else {
      const auto row = r.context.inputs[m].row(static_cast<Eigen::Index>(i));
      for (Eigen::Index f = 0; f < row.size(); ++f) data += fmt::format("{} {:.6g}\n", f, row(f));
      data += "\n\n";
      body += fmt::format(
          "set title {}\nunset key\nset xlabel 'feature'\nset ylabel 'value'\n"
          "set xrange [-0.5:{}]\nset yrange [*:*]\nset xtics autofreq\n"
          "plot 'samples.dat' index {} using 1:2 with impulses lc rgb '#4477aa' notitle\n",
          quoted(fmt::format("{}: input ({} features)", name, row.size())),
          static_cast<double>(row.size()) - 0.5, block);
    }
    ++block;
  }
  return body;
}

std::vector<Panel> example_panels(const ExplainReport& r, size_t i) {
  const explain::Explanation& e = r.explanation;
  const int label = e.label[i], pred = e.prediction[i];
  const auto names = class_labels(r.context.class_names, e.classes);
  std::vector<Panel> panels;
  for (size_t m = 0; m < e.modalities(); ++m) {
    const auto& d = e.distributions[i][m];
    Panel p;
    if (r.context.encoding == Encoding::belief) {
      // The first C basis states are the classes; the rest of the mass is on other hypotheses.
      // A register of fewer than C states holds a belief over the first 2^k classes only.
      const size_t classes = std::min(d.size(), static_cast<size_t>(e.classes));
      p.values.assign(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(classes));
      double other = 0;
      for (size_t j = p.values.size(); j < d.size(); ++j) other += d[j];
      p.title = d.size() > classes ? fmt::format("{}: class belief (other hypotheses {:.2f})",
                                                 r.context.modality_names[m], other)
                                   : fmt::format("{}: belief over classes 0-{} only",
                                                 r.context.modality_names[m], classes - 1);
      for (size_t c = 0; c < p.values.size(); ++c)
        p.colours.push_back(static_cast<int>(c) == label ? kTrue : kNeutral);
      p.xlabel = "class";
      p.names.assign(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(p.values.size()));
    } else {
      p.values = d;
      p.title =
          fmt::format("{}: |amplitude|² over {} states", r.context.modality_names[m], d.size());
      p.colours.assign(d.size(), kNeutral);
      p.xlabel = "basis state of the register";
    }
    panels.push_back(std::move(p));
  }
  Panel fused{fmt::format("sample {}: true {}, predicted {}", i, names[label], names[pred]),
              {},
              {},
              "class",
              true,
              names};
  for (int c = 0; c < e.classes; ++c) {
    fused.values.push_back(e.probs(static_cast<nn::Index>(i), c));
    fused.colours.push_back(c == label ? kTrue : c == pred ? kWrong : kNeutral);
  }
  panels.push_back(std::move(fused));
  return panels;
}

// Every bar labelled up to 10 bars, then about 8 labels; named bars (classes) by their names,
// slanted when a name is longer than a digit or two.
std::string xtics(const Panel& p) {
  const size_t bars = p.values.size();
  if (p.names.empty() || bars > 10) return bars <= 10 ? "1" : fmt::format("0,{}", (bars + 7) / 8);
  std::vector<std::string> tics;
  size_t longest = 0;
  for (size_t x = 0; x < bars; ++x) {
    tics.push_back(fmt::format("{} {}", quoted(p.names[x]), x));
    longest = std::max(longest, p.names[x].size());
  }
  return fmt::format("({}){}", fmt::join(tics, ", "), longest > 2 ? " rotate by -35" : "");
}

// samples.dat holds one data block per panel (gnuplot `index`), in drawing order.
std::string samples_figure(const std::filesystem::path& dir, const ExplainReport& r) {
  const explain::Explanation& e = r.explanation;
  const size_t inputs = r.context.inputs.size() == e.modalities() ? e.modalities() : 0;
  const size_t columns = inputs + e.modalities() + 1, rows = e.distributions.size();
  std::string data,
      body = fmt::format(
          "reset\nset style fill solid 0.8 border -1\nset boxwidth 0.8\nset grid y\n"
          "set multiplot layout {},{} title '{}each register''s distribution before fusion and "
          "the fused class probabilities, per test sample'\n",
          rows, columns, inputs ? "each modality''s input, " : "");
  size_t block = 0;
  for (size_t i = 0; i < rows; ++i) {
    if (inputs) body += input_panels(r, i, data, block);
    for (const Panel& p : example_panels(r, i)) {
      for (size_t x = 0; x < p.values.size(); ++x)
        data += fmt::format("{} {:.9g} {}\n", x, p.values[x], p.colours[x]);
      data += "\n\n";
      // The fused panel: probabilities on a fixed axis, and the legend of the bar colours
      // (which the belief panels share).
      const std::string legend = fmt::format(
          ", NaN with boxes lc rgb '#{:06x}' title 'true class', NaN with boxes lc rgb '#{:06x}' "
          "title 'wrong prediction', NaN with boxes lc rgb '#{:06x}' title 'other'",
          kTrue, kWrong, kNeutral);
      body += fmt::format(
          "set title {}\nset xlabel {}\nset ylabel 'probability'\nset xrange [-0.5:{}]\n"
          "set xtics {}\nset yrange [0:{}]\n{}"
          "plot 'samples.dat' index {} using 1:2:3 with boxes lc rgb variable notitle{}\n",
          quoted(p.title), quoted(p.xlabel), static_cast<double>(p.values.size()) - 0.5, xtics(p),
          p.fused ? "1.45" : "*",
          p.fused ? "set ytics 0,0.25,1\nset key top right font ',7' samplen 1 spacing 0.9\n"
                  : "set ytics autofreq\nunset key\n",
          block, p.fused ? legend : "");
      ++block;
    }
  }
  body += "unset multiplot\n";
  write_file_atomic(dir / "samples.dat", data);
  return rows == 0 ? std::string()
                   : both_formats("samples", 330 * static_cast<int>(columns),
                                  270 * static_cast<int>(rows) + 50, body);
}

// --- attribution: mean attribution per true class (and over all), grouped by class.

std::string attribution_figure(const std::filesystem::path& dir, const ExplainReport& r) {
  const auto& names = r.context.modality_names;
  const size_t m_count = names.size();
  std::string data = fmt::format("# class, uniform: {0}, mixed: {0}\n", fmt::join(names, " "));
  const auto row = [&](const std::string& label, const explain::GroupStats& g) {
    data += label;
    for (const auto& s : g.modalities) data += fmt::format(" {:.9g}", s.attribution);
    for (const auto& s : g.modalities) data += fmt::format(" {:.9g}", s.attribution_mixed);
    data += '\n';
  };
  // A class name is one quoted column of the data file (names may hold spaces: "Ankle boot").
  const auto classes =
      class_labels(r.context.class_names, static_cast<int>(r.summary.per_class.size()));
  for (size_t c = 0; c < r.summary.per_class.size(); ++c) {
    std::string label = classes[c];
    std::replace(label.begin(), label.end(), '"', '\'');
    row(fmt::format("\"{}\"", label), r.summary.per_class[c]);
  }
  row("all", r.summary.overall);
  write_file_atomic(dir / "attribution.dat", data);

  const auto plot = [&](size_t first_column) {
    std::string p = "plot ";
    for (size_t m = 0; m < m_count; ++m)
      p += fmt::format("{}'attribution.dat' using {}{} title {}", m ? ", " : "", first_column + m,
                       m ? "" : ":xtic(1)", quoted(names[m]));
    return p + "\n";
  };
  const std::string body =
      "reset\nset style data histograms\nset style histogram clustered gap 1\n"
      "set style fill solid 0.8 border -1\nset grid y\nset xzeroaxis\nset key outside right\n"
      "set yrange [*<0:0<*]\n"  // always show the zero line
      "set xlabel 'true class'\nset ylabel 'log p(y) - log p_ablated(y) (nats)'\n"
      "set multiplot layout 2,1 title 'mean attribution per true class (positive: the modality "
      "supported the true class)'\n"
      "set title 'register replaced by the uniform superposition'\n" +
      plot(2) + "set title 'register replaced by the maximally mixed state'\n" + plot(2 + m_count) +
      "unset multiplot\n";
  return both_formats("attribution", 1000, 760, body);
}

// --- entropy: histograms of register entropies after the fusion block and after the circuit.

std::string entropy_figure(const std::filesystem::path& dir, const ExplainReport& r) {
  const auto& h = r.histograms;
  const auto& names = r.context.modality_names;
  const double n = static_cast<double>(std::max<size_t>(1, r.explanation.samples()));
  std::string data = fmt::format("# bin centre (bits), after fusion: {0}, after circuit: {0}\n",
                                 fmt::join(names, " "));
  for (size_t b = 0; b + 1 < h.edges.size(); ++b) {
    data += fmt::format("{:.6g}", (h.edges[b] + h.edges[b + 1]) / 2);
    for (const auto& counts : h.fusion)
      data += fmt::format(" {:.6g}", static_cast<double>(counts[b]) / n);
    for (const auto& counts : h.circuit)
      data += fmt::format(" {:.6g}", static_cast<double>(counts[b]) / n);
    data += '\n';
  }
  write_file_atomic(dir / "entropy.dat", data);

  const auto plot = [&](size_t first_column) {
    std::string p = "plot ";
    for (size_t m = 0; m < names.size(); ++m)
      // Dashes of their own: registers with equal entropies (always, for M = 2) still show.
      p += fmt::format("{}'entropy.dat' using 1:{} with histeps lw {} dt {} title {}",
                       m ? ", " : "", first_column + m, m ? 2 : 4, m + 1, quoted(names[m]));
    return p + "\n";
  };
  const std::string body = fmt::format(
      "reset\nset grid\nset key top left box opaque\nset xrange [0:{}]\nset yrange [0:*]\nset "
      "xlabel 'register entropy "
      "(bits)'\nset ylabel 'fraction of test samples'\nset multiplot layout 1,2 title "
      "'entanglement between each register and the rest'\nset title 'after the fusion "
      "block'\n{}set title 'after the whole circuit'\n{}unset multiplot\n",
      h.edges.back(), plot(2), plot(2 + names.size()));
  return both_formats("entropy", 1100, 450, body);
}

}  // namespace

void write_explain_figures(const std::filesystem::path& dir, const ExplainReport& r) {
  run_gnuplot(dir, samples_figure(dir, r) + attribution_figure(dir, r) + entropy_figure(dir, r));
}

}  // namespace qmf::report
