// The engine in one import, for embedders: tensors, networks, the environment and policy interfaces,
// evaluation, and the RL layer (replay, trainers, agents, the algorithm registry). Simulators,
// experiments, the server and the broker stay separate imports.
@_exported import RecoEnvironments
@_exported import RecoEvaluation
@_exported import RecoNetworks
@_exported import RecoRL
@_exported import RecoTensor
