/**
 * A float64 dense network (multi-layer perceptron): forward pass, analytic input gradient and a
 * loader for tfjs LayersModel files made of Dense layers. It is the reference model of the
 * tests (float64 arithmetic on the model's float32 weights, like the golden fixture) and a
 * `PredictFn`/`GradFn` for the CLI when tfjs is not wanted. Pure: typed arrays only.
 */
export {
  type Activation,
  type DenseLayer,
  type DenseLayerSpec,
  type Mlp,
  mlpCreate,
  mlpForward,
  mlpPredictFn,
  mlpPredictFn64,
  mlpProbability,
  mlpRandom,
} from './mlp/network.ts'
export { mlpGradFn, mlpGradient } from './mlp/gradient.ts'
export { mlpFromLayersModel } from './mlp/layersModel.ts'
