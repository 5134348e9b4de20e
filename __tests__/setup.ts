import { Testing } from "cdktf";
// Declares the matchers below for the type checker (jest.Matchers augmentation).
import "cdktf/lib/testing/adapters/jest";

// Registers cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...).
Testing.setupJest();
