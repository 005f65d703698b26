#pragma once
// The QMFNN's settings as a config's [model] keys spell them. The config embeds this struct
// (train/config.h) and reads each key straight into it (train/config_schema.cpp); the circuit
// builder and the models read it as is. A new circuit setting is therefore one field here plus
// its parser line.
#include <vector>

#include "core/options.h"
#include "nn/activation.h"

namespace qmf::model {

struct QmfnnSettings {
  // Qubits per modality. In a config a single entry applies to every modality; the model
  // factory expands it (qubits_per_modality) before a model or circuit sees it.
  std::vector<int> k = {4};
  Encoding encoding = Encoding::amplitude;
  std::vector<int> ffn_hidden;
  nn::Activation ffn_activation = nn::Activation::relu;
  int fusion_layers = 2;
  bool entangle = true;    // CRX entanglers in the fusion block (false: ablation)
  bool qcnn = true;        // the QCNN (false: read out straight after fusion)
  bool qcnn_share = true;  // one angle set per conv / pool layer (translation invariance)
  ConvBlock conv_block = ConvBlock::conv6;
  // expval: Z expectations of the readout qubits into a linear head. probs (the marginal itself)
  // is one key away; at the same size it trains ~5 points lower and less steadily across seeds.
  Readout readout = Readout::expval;
  Fusion fusion = Fusion::entangle;  // evidential replaces the fusion block and the QCNN
  bool operator==(const QmfnnSettings&) const = default;
};

}  // namespace qmf::model
