// Test support (not a test itself): runs .tflite models with Arm NN (CpuRef
// backend), an engine nobody here wrote, for tests/interop/test_tflite_export,
// which compares what it writes with the reference interpreter. Kept in its
// own process since Arm NN aborts on some inputs. It refuses (exit 1) any
// model whose tensors Arm NN does not read as the int8 the export wrote.
//
// Usage: armnn_run JOBS.txt
// Each line: MODEL.tflite OUTPUT.bin INPUT1.bin [INPUT2.bin ...]
// Exit 0 when every job ran; otherwise prints the failing job and exits 1.
#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

static std::vector<char> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

// Arm NN must see every model input and output as int8 with one scale.
static bool isInt8(const armnn::TensorInfo& info, const std::string& what, const std::string& model) {
    if (info.GetDataType() == armnn::DataType::QAsymmS8 || info.GetDataType() == armnn::DataType::QSymmS8) return true;
    std::cerr << model << ": " << what << " is not read as int8 by Arm NN\n";
    return false;
}

static bool runJob(armnn::IRuntime& runtime, const std::string& line) {
    std::istringstream words(line);
    std::string model, output, input;
    words >> model >> output;
    std::vector<std::string> inputs;
    while (words >> input) inputs.push_back(input);
    auto parser = armnnTfLiteParser::ITfLiteParser::Create();
    armnn::INetworkPtr network = parser->CreateNetworkFromBinaryFile(model.c_str());
    const auto inputNames = parser->GetSubgraphInputTensorNames(0);
    const auto outputNames = parser->GetSubgraphOutputTensorNames(0);
    if (inputNames.size() != inputs.size() || outputNames.size() != 1) {
        std::cerr << model << ": expected " << inputNames.size() << " inputs and one output\n";
        return false;
    }
    armnn::IOptimizedNetworkPtr optimized =
        armnn::Optimize(*network, {armnn::Compute::CpuRef}, runtime.GetDeviceSpec());
    armnn::NetworkId id;
    if (runtime.LoadNetwork(id, std::move(optimized)) != armnn::Status::Success) {
        std::cerr << model << ": Arm NN could not load the network\n";
        return false;
    }
    std::vector<std::vector<char>> data;
    armnn::InputTensors inputTensors;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto binding = parser->GetNetworkInputBindingInfo(0, inputNames[i]);
        if (!isInt8(binding.second, "input " + inputNames[i], model)) return false;
        data.push_back(readFile(inputs[i]));
        if (data.back().size() != binding.second.GetNumBytes()) {
            std::cerr << inputs[i] << ": " << data.back().size() << " bytes, Arm NN expects "
                      << binding.second.GetNumBytes() << "\n";
            return false;
        }
        inputTensors.emplace_back(binding.first, armnn::ConstTensor(binding.second, data.back().data()));
    }
    const auto outBinding = parser->GetNetworkOutputBindingInfo(0, outputNames[0]);
    if (!isInt8(outBinding.second, "output " + outputNames[0], model)) return false;
    std::vector<char> result(outBinding.second.GetNumBytes());
    armnn::OutputTensors outputTensors{{outBinding.first, armnn::Tensor(outBinding.second, result.data())}};
    if (runtime.EnqueueWorkload(id, inputTensors, outputTensors) != armnn::Status::Success) {
        std::cerr << model << ": inference failed\n";
        return false;
    }
    runtime.UnloadNetwork(id);
    std::ofstream(output, std::ios::binary).write(result.data(), static_cast<std::streamsize>(result.size()));
    return true;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: armnn_run JOBS.txt\n";
        return 2;
    }
    armnn::ConfigureLogging(false, false, armnn::LogSeverity::Error);
    armnn::IRuntime::CreationOptions options;
    armnn::IRuntimePtr runtime = armnn::IRuntime::Create(options);
    std::ifstream jobs(argv[1]);
    std::string line;
    int count = 0;
    try {
        while (std::getline(jobs, line)) {
            if (line.empty()) continue;
            if (!runJob(*runtime, line)) return 1;
            ++count;
        }
    } catch (const std::exception& e) {
        std::cerr << "Arm NN: " << e.what() << " (job: " << line << ")\n";
        return 1;
    }
    std::cout << count << " jobs\n";
    return 0;
}
