// A Mesos component that reaches a renderer by a relative path: rejected.
#include "../viz/render.hpp"
