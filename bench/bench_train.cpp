// Training speed: our libtorch supernet step (sandwich rule: largest,
// smallest and two random subnets, in-place distillation, one SGD step) on
// synthetic 1-channel images, images per second. With --schedule FILE it also
// writes the network and the subnets it drew, so bench_train_torch.py can run
// the very same steps in Debian's python3-torch for the ratio in RESULTS.md.
//
//   bench_train [--resolution 32] [--width 0.5] [--batch 64] [--threads 2] [--steps 30] [--schedule FILE]
#include "nas/networks.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "space/search_space.h"

using namespace mcunet;
namespace F = torch::nn::functional;

namespace {

nlohmann::json blocksJson(const arch::Architecture& a) {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& st : a.stages) {
        nlohmann::json blocks = nlohmann::json::array();
        for (const auto& b : st.blocks) blocks.push_back({b.kernel, b.expand});
        stages.push_back(blocks);
    }
    return stages;
}

}  // namespace

int main(int argc, char** argv) {
    int resolution = 32, batch = 64, threads = 2, steps = 30;
    double width = 0.5;
    std::string schedulePath;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--resolution") resolution = std::stoi(v);
        else if (k == "--width") width = std::stod(v);
        else if (k == "--batch") batch = std::stoi(v);
        else if (k == "--threads") threads = std::stoi(v);
        else if (k == "--steps") steps = std::stoi(v);
        else if (k == "--schedule") schedulePath = v;
    }
    torch::set_num_threads(threads);
    torch::manual_seed(1);
    space::SearchSpace s = space::mcunetSpace(10);
    s.inputChannels = 1;
    nas::Supernet net(s, resolution, width);
    std::vector<torch::Tensor> decay, noDecay;
    for (const auto& p : net->named_parameters())
        (p.key().size() > 7 && p.key().substr(p.key().size() - 7) == ".weight" && p.key().find(".bn.") == std::string::npos ? decay : noDecay)
            .push_back(p.value());
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::SGDOptions>(torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(4e-5)));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::SGDOptions>(torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true)));
    torch::optim::SGD opt(std::move(groups), torch::optim::SGDOptions(0.05));

    std::mt19937_64 rng(7);
    std::vector<std::vector<arch::Architecture>> schedule;
    for (int i = 0; i < steps + 3; ++i)
        schedule.push_back({net->largest(), net->smallest(), net->sample(rng), net->sample(rng)});
    const torch::Tensor images = (torch::rand({batch, resolution, resolution, 1}) * 255).floor();
    const torch::Tensor x = images.sub(128).div(128).permute({0, 3, 1, 2});
    const torch::Tensor labels = torch::randint(0, 10, {batch}, torch::kInt64);
    const auto ls = F::CrossEntropyFuncOptions().label_smoothing(0.1);
    net->train();
    auto step = [&](const std::vector<arch::Architecture>& subnets) {
        for (auto& p : net->parameters()) p.mutable_grad().reset();
        const torch::Tensor logits = net->forward(x, subnets[0]);
        F::cross_entropy(logits, labels, ls).backward();
        const torch::Tensor teacher = torch::softmax(logits.detach(), 1);
        for (std::size_t k = 1; k < subnets.size(); ++k)
            (-(teacher * torch::log_softmax(net->forward(x, subnets[k]), 1)).sum(1).mean()).backward();
        opt.step();
    };
    for (int i = 0; i < 3; ++i) step(schedule[static_cast<std::size_t>(i)]);  // warm-up (allocator, oneDNN primitives)
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 3; i < steps + 3; ++i) step(schedule[static_cast<std::size_t>(i)]);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double perSecond = double(steps) * batch / seconds;
    std::printf("{\"engine\": \"libtorch C++ (mcunet_nas)\", \"steps\": %d, \"batch\": %d, \"threads\": %d, \"resolution\": %d, "
                "\"width\": %.2f, \"seconds\": %.3f, \"images_per_second\": %.1f}\n",
                steps, batch, threads, resolution, width, seconds, perSecond);
    if (!schedulePath.empty()) {
        const arch::Architecture L = net->largest();
        nlohmann::json j = {{"resolution", resolution}, {"batch", batch}, {"threads", threads}, {"classes", 10},
                            {"stem", arch::stemChannels(L)}, {"first", arch::firstBlockChannels(L)},
                            {"stage_channels", nlohmann::json::array()}, {"stage_strides", s.stageStrides},
                            {"max_expand", 6}, {"max_kernel", 7}, {"steps", nlohmann::json::array()}};
        for (int i = 0; i < static_cast<int>(L.stages.size()); ++i) j["stage_channels"].push_back(arch::stageChannels(L, i));
        j["max_depth"] = blocksJson(L);
        for (const auto& subnets : schedule) {
            nlohmann::json one = nlohmann::json::array();
            for (const auto& a : subnets) one.push_back(blocksJson(a));
            j["steps"].push_back(one);
        }
        std::ofstream(schedulePath) << j.dump() << "\n";
    }
    return 0;
}
